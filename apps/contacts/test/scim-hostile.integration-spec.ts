import { randomUUID } from 'node:crypto';

import { Client as PgClient } from 'pg';

import { conferFailure } from '@confer/testing';

import { useContacts } from './contacts-harness';
import { anyone, DEPARTMENT, ENTERPRISE, GROUP, Json, scimClient, USER } from './scim-client';
import { RunningContacts } from './start-contacts';

jest.setTimeout(120_000);

describe('SCIM against hostile and quirky clients', () => {
  const h = useContacts('contacts_scim_hostile_it');
  let app: RunningContacts;
  let db: PgClient;
  let orgId: string;
  let token: string;
  const { request, create, get, patchBody, patch, put } = scimClient(
    () => app,
    () => token,
  );
  const memberIds = (group: Json) => (group.members as { value: string }[]).map((m) => m.value);
  const person = (name: string) =>
    create('User', { schemas: [USER], userName: `${name}@example.com`, displayName: name });
  const snapshot = async () =>
    (
      await db.query(
        `SELECT (SELECT json_agg(u ORDER BY id) FROM users u) AS users,
                (SELECT json_agg(d ORDER BY id) FROM departments d) AS departments,
                (SELECT json_agg(m ORDER BY user_id, department_id) FROM user_departments m) AS members`,
      )
    ).rows[0];

  beforeAll(async () => {
    ({ app, db } = h);
    orgId = (await h.organisation('Example', 'example.com', 'it-scim')).id;
    const admin = { userId: randomUUID(), orgId, roles: ['org_admin'], correlationId: 'it-admin' };
    token = (await app.client.createScimToken(admin, { name: 'IdP' })).secret;
  });

  it('removes only the named member when a client sends remove members with a value, as Entra ID does', async () => {
    const a = await person('remove-a');
    const b = await person('remove-b');
    const group = await create('Group', {
      schemas: [GROUP],
      displayName: 'Remove one',
      members: [{ value: a.id }, { value: b.id }],
    });

    const after = await patch('Group', group.id, [
      { op: 'Remove', path: 'members', value: [{ value: b.id }] },
    ]);
    expect(memberIds(after)).toEqual([a.id]);
    // A member not held is already gone: removing it again changes nothing.
    const again = await patch('Group', group.id, [
      { op: 'remove', path: 'members', value: [{ value: b.id }] },
    ]);
    expect(memberIds(again)).toEqual([a.id]);
    expect(again.meta.version).toBe(after.meta.version);
    // Without a value the attribute itself goes, as RFC 7644 section 3.5.2.2 says.
    expect(memberIds(await patch('Group', group.id, [{ op: 'remove', path: 'members' }]))).toEqual(
      [],
    );
  });

  it('applies a path-less value whose keys are attribute paths, as Entra ID sends', async () => {
    const user = await person('pathless');

    const after = await patch('User', user.id, [
      {
        op: 'Replace',
        value: {
          'name.givenName': 'Neu',
          [`${ENTERPRISE}:employeeNumber`]: '42',
          'emails[type eq "work"].value': 'pathless.new@example.com',
          active: 'False',
        },
      },
    ]);
    expect(after).toMatchObject({
      name: { givenName: 'Neu' },
      active: false,
      emails: [{ value: 'pathless.new@example.com', type: 'work', primary: true }],
      [ENTERPRISE]: { employeeNumber: '42' },
    });
    const row = await db.query(
      'SELECT given_name, employee_number, email FROM users WHERE id = $1',
      [user.id],
    );
    expect(row.rows[0]).toEqual({
      given_name: 'Neu',
      employee_number: '42',
      email: 'pathless.new@example.com',
    });
  });

  it('refuses a path-less key naming a read-only attribute, changing nothing', async () => {
    const user = await person('readonly');
    const before = await snapshot();

    const failure = await conferFailure(
      app.client.scimPatch(
        anyone,
        request('User', {
          id: user.id,
          bodyJson: patchBody([
            { op: 'replace', value: { displayName: 'X', 'meta.created': '2000-01-01T00:00:00Z' } },
          ]),
        }),
      ),
    );
    expect(failure.code).toBe('scim.mutability');
    expect(await snapshot()).toEqual(before);
  });

  it('adds a value through a type filter when none of that type exists yet', async () => {
    const user = await person('phones');

    const after = await patch('User', user.id, [
      { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+86 138 0000 0000' },
    ]);
    expect(after.phoneNumbers).toEqual([{ value: '+86 138 0000 0000', type: 'mobile' }]);
    const changed = await patch('User', user.id, [
      { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+86 139 0000 0000' },
    ]);
    expect(changed.phoneNumbers).toEqual([{ value: '+86 139 0000 0000', type: 'mobile' }]);
  });

  it('refuses to add through a filter that does not say what the new value is, and a replace with no target, changing nothing', async () => {
    const user = await person('notarget');
    const before = await snapshot();

    for (const operation of [
      { op: 'add', path: 'phoneNumbers[type ne "mobile"].value', value: '1' },
      { op: 'replace', path: 'phoneNumbers[type eq "mobile"].value', value: '1' },
    ]) {
      const failure = await conferFailure(
        app.client.scimPatch(
          anyone,
          request('User', { id: user.id, bodyJson: patchBody([operation]) }),
        ),
      );
      expect(failure.code).toBe('scim.no_target');
      expect(failure.details).toEqual({ scimStatus: 400, scimType: 'noTarget' });
    }
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a filter holding a NUL character as an invalid filter, not a server error', async () => {
    for (const filter of ['userName eq "\\u0000"', 'externalId sw "a\\u0000"']) {
      const failure = await conferFailure(app.client.scimList(anyone, request('User', { filter })));
      expect(failure.code).toBe('scim.invalid_filter');
      expect(failure.details).toEqual({ scimStatus: 400, scimType: 'invalidFilter' });
    }
  });

  it('refuses date-times outside the years 1 to 9999 as invalid filters, not server errors', async () => {
    for (const filter of [
      'meta.created gt "+275760-09-13T00:00:00Z"',
      'meta.created gt "-271821-04-20T00:00:00Z"',
      'meta.lastModified lt "+010000-01-01T00:00:00Z"',
      'meta.created gt "0000-01-01T00:00:00Z"',
    ]) {
      const failure = await conferFailure(
        app.client.scimList(anyone, request('Group', { filter })),
      );
      expect(failure.code).toBe('scim.invalid_filter');
    }
    const early = await app.client.scimList(
      anyone,
      request('User', { filter: 'meta.created gt "0001-01-01T00:00:00Z"' }),
    );
    expect(JSON.parse(early.bodyJson).totalResults).toBeGreaterThan(0);
  });

  it('moves one of two groups placed under each other at once and refuses the other, without a cycle or a server error', async () => {
    for (let round = 0; round < 5; round += 1) {
      const a = await create('Group', { schemas: [GROUP], displayName: `Cycle a${round}` });
      const b = await create('Group', { schemas: [GROUP], displayName: `Cycle b${round}` });

      const settled = await Promise.allSettled([
        patch('Group', a.id, [{ op: 'add', path: `${DEPARTMENT}:parent`, value: b.id }]),
        patch('Group', b.id, [{ op: 'add', path: `${DEPARTMENT}:parent`, value: a.id }]),
      ]);
      expect(settled.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      const refused = settled.find((result) => result.status === 'rejected');
      expect((refused as PromiseRejectedResult).reason.code).toBe('scim.invalid_value');
      const rows = await db.query('SELECT parent_id FROM departments WHERE id = ANY($1)', [
        [a.id, b.id],
      ]);
      expect(rows.rows.filter((row) => row.parent_id !== null)).toHaveLength(1);
    }
  });

  it('keeps the parent when a PUT does not speak of the department extension', async () => {
    const root = await create('Group', { schemas: [GROUP], displayName: 'Put root' });
    const child = await create('Group', {
      schemas: [GROUP, DEPARTMENT],
      displayName: 'Put child',
      [DEPARTMENT]: { parent: root.id },
    });

    const renamed = await put('Group', child.id, { schemas: [GROUP], displayName: 'Put renamed' });
    expect(renamed).toMatchObject({
      displayName: 'Put renamed',
      [DEPARTMENT]: { parent: root.id },
    });
    // Naming the extension's schema without a parent is asserting the root.
    const moved = await put('Group', child.id, {
      schemas: [GROUP, DEPARTMENT],
      displayName: 'Put renamed',
    });
    expect(moved).not.toHaveProperty(DEPARTMENT);
    const row = await db.query('SELECT parent_id FROM departments WHERE id = $1', [child.id]);
    expect(row.rows[0].parent_id).toBeNull();
  });

  it('patches a department of more than 10,000 people, and still refuses a request naming more', async () => {
    const group = await create('Group', { schemas: [GROUP], displayName: 'Large' });
    await db.query(
      `INSERT INTO users (id, org_id, email, display_name)
       SELECT gen_random_uuid(), $1, 'large-' || n || '@example.com', 'Large ' || n
         FROM generate_series(1, 10001) n`,
      [orgId],
    );
    await db.query(
      `INSERT INTO user_departments (user_id, department_id)
       SELECT id, $1 FROM users WHERE email LIKE 'large-%'`,
      [group.id],
    );
    const newcomer = await person('large-newcomer');

    const renamed = await patch('Group', group.id, [
      { op: 'replace', path: 'displayName', value: 'Large renamed' },
      { op: 'add', path: 'members', value: [{ value: newcomer.id }] },
    ]);
    expect(renamed.displayName).toBe('Large renamed');
    expect(renamed.members).toHaveLength(10_002);

    const before = await snapshot();
    const tooMany = await conferFailure(
      app.client.scimPatch(
        anyone,
        request('Group', {
          id: group.id,
          bodyJson: patchBody([
            {
              op: 'add',
              path: 'members',
              value: Array.from({ length: 10_001 }, () => ({ value: newcomer.id })),
            },
          ]),
        }),
      ),
    );
    expect(tooMany.code).toBe('scim.too_many');
    expect(await snapshot()).toEqual(before);
  });

  it('creates one person when the same userName is posted at once in several cases', async () => {
    const before = await db.query('SELECT count(*)::int AS n FROM users');

    const results = await Promise.allSettled(
      ['race@example.com', 'RACE@example.com', 'race@EXAMPLE.com', 'Race@Example.Com'].map(
        (userName) =>
          app.client.scimCreate(
            anyone,
            request('User', { bodyJson: JSON.stringify({ schemas: [USER], userName }) }),
          ),
      ),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') {
        expect((result.reason as { code?: string }).code).toBe('scim.uniqueness');
      }
    }
    const after = await db.query('SELECT count(*)::int AS n FROM users');
    expect(after.rows[0].n).toBe(before.rows[0].n + 1);
  });

  it('lists members asked for by their full core schema name', async () => {
    const member = await person('urn-member');
    await create('Group', {
      schemas: [GROUP],
      displayName: 'Asked by URN',
      members: [{ value: member.id }],
    });

    for (const attributes of [[`${GROUP}:members`], ['Members.value'], ['members']]) {
      const page = JSON.parse(
        (
          await app.client.scimList(
            anyone,
            request('Group', { filter: 'displayName eq "Asked by URN"', attributes }),
          )
        ).bodyJson,
      ) as { Resources: Json[] };
      expect(page.Resources[0].members).toEqual([expect.objectContaining({ value: member.id })]);
    }
  });

  it('keeps every member when members are added at once', async () => {
    const group = await create('Group', { schemas: [GROUP], displayName: 'Concurrent adds' });
    const people = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => person(`adds-${n}`)));

    await Promise.all(
      people.map((added) =>
        patch('Group', group.id, [{ op: 'add', path: 'members', value: [{ value: added.id }] }]),
      ),
    );
    expect(memberIds(await get('Group', group.id)).sort()).toEqual(
      people.map((added) => added.id).sort(),
    );
  });
});
