import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Client as PgClient } from 'pg';

import { Caller, systemCaller } from '@confer/grpc';
import { conferFailure } from '@confer/testing';

import { ScimUsersService } from '../src/scim/users/scim-users.service';
import { useContacts } from './contacts-harness';
import { anyone, DEPARTMENT, GROUP, PATCH_OP, scimClient, USER } from './scim-client';
import { RunningContacts } from './start-contacts';

const fixture = (name: string) =>
  JSON.parse(
    readFileSync(join(__dirname, 'fixtures/scim', `scim--${name}.json`), 'utf8'),
  ) as Record<string, unknown>;

jest.setTimeout(60_000);

describe(ScimUsersService.name, () => {
  const h = useContacts('contacts_scim_it');
  const { published } = h;
  let app: RunningContacts;
  let db: PgClient;
  let orgId: string;
  let admin: Caller;
  let token: string;
  const { request, create, get, list, patch } = scimClient(
    () => app,
    () => token,
  );
  /** The tables SCIM writes, and how many events have been published. */
  const snapshot = async () => ({
    ...(
      await db.query(
        `SELECT (SELECT json_agg(u ORDER BY id) FROM users u) AS users,
                (SELECT json_agg(d ORDER BY id) FROM departments d) AS departments,
                (SELECT json_agg(m ORDER BY user_id, department_id) FROM user_departments m) AS members`,
      )
    ).rows[0],
    events: (await published()).length,
  });

  beforeAll(async () => {
    ({ app, db } = h);
    orgId = (await h.organisation('Example', 'example.com', 'it-scim')).id;
    admin = { userId: randomUUID(), orgId, roles: ['org_admin'], correlationId: 'it-admin' };
    token = (await app.client.createScimToken(admin, { name: 'IdP' })).secret;
  });

  describe('tokens', () => {
    it('keeps only a hash of the secret and audits creation and revocation', async () => {
      const created = await app.client.createScimToken(admin, { name: 'Rotation' });
      const stored = await db.query('SELECT token_hash FROM scim_tokens WHERE id = $1', [
        created.token!.id,
      ]);
      expect(stored.rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(await snapshot())).not.toContain(created.secret);

      await app.client.scimList(anyone, request('User', { token: created.secret }));
      const revoked = await app.client.revokeScimToken(admin, { id: created.token!.id });
      expect(revoked.revokedAt).not.toBe('');
      expect(revoked.lastUsedAt).not.toBe('');

      const failure = await conferFailure(
        app.client.scimList(anyone, request('User', { token: created.secret })),
      );
      expect(failure.code).toBe('scim.unauthorized');
      expect(failure.details).toEqual({ scimStatus: 401 });
      const audit = (await published('audit.recorded')).filter((line) =>
        String(line.detailsJson).includes(created.token!.id),
      );
      expect(audit.map((line) => line.action)).toEqual([
        'settings.scim_token_created',
        'settings.scim_token_revoked',
      ]);
      expect(JSON.stringify(audit)).not.toContain(created.secret);
    });

    it('refuses members, and unknown or absent secrets', async () => {
      const member = { ...admin, roles: [] };
      expect((await conferFailure(app.client.createScimToken(member, { name: 'x' }))).code).toBe(
        'scim_token.forbidden',
      );
      for (const secret of ['', 'confer_scim_guess', 'Bearer x']) {
        const failure = await conferFailure(
          app.client.scimList(anyone, request('User', { token: secret })),
        );
        expect(failure.code).toBe('scim.unauthorized');
      }
    });
  });

  describe('users', () => {
    it('creates a person from the RFC enterprise user, with user.created and search keys', async () => {
      const user = await create('User', fixture('rfc7643-8.3-enterprise_user'));

      expect(user.id).not.toBe('2819c223-7f76-453a-919d-413861904646');
      expect(user).toMatchObject({
        userName: 'bjensen@example.com',
        externalId: '701984',
        active: true,
      });
      const row = await db.query(
        'SELECT email, desk_phone, mobile, status FROM users WHERE id = $1',
        [user.id],
      );
      expect(row.rows[0]).toEqual({
        email: 'bjensen@example.com',
        desk_phone: '555-555-5555',
        mobile: '555-555-4444',
        status: 'active',
      });
      expect(await published('user.created')).toContainEqual(
        expect.objectContaining({ orgId, userId: user.id, email: 'bjensen@example.com' }),
      );
      const found = await app.client.searchPeople(
        { ...admin, roles: [] },
        { orgId, query: 'Jensen', limit: 5 },
      );
      expect(found.items.map((item) => item.id)).toContain(user.id);
    });

    it('refuses a second user with the same userName, in any case, and changes nothing', async () => {
      const before = await snapshot();
      const failure = await conferFailure(
        app.client.scimCreate(
          anyone,
          request('User', {
            bodyJson: JSON.stringify({ schemas: [USER], userName: 'BJENSEN@example.com' }),
          }),
        ),
      );

      expect(failure.code).toBe('scim.uniqueness');
      expect(failure.details).toEqual({ scimStatus: 409, scimType: 'uniqueness' });
      expect(await snapshot()).toEqual(before);
    });

    it('filters case-insensitively on userName and addresses, exactly on externalId, with LIKE wildcards escaped', async () => {
      await create('User', { schemas: [USER], userName: 'pct%user', externalId: 'Ext-1' });

      expect((await list('User', 'userName eq "BJensen@Example.com"')).totalResults).toBe(1);
      expect((await list('User', 'emails co "JENSEN.ORG"')).totalResults).toBe(1);
      expect((await list('User', 'externalId eq "ext-1"')).totalResults).toBe(0);
      expect((await list('User', 'externalId eq "Ext-1"')).totalResults).toBe(1);
      expect(
        (await list('User', 'userName co "%"')).Resources.map((user) => user.userName),
      ).toEqual(['pct%user']);
      expect((await list('User', 'userName sw "_"')).totalResults).toBe(0);
      const failure = await conferFailure(
        app.client.scimList(anyone, request('User', { filter: 'userName eq' })),
      );
      expect(failure.details).toEqual({ scimStatus: 400, scimType: 'invalidFilter' });
    });

    it('pages with startIndex and count and reports the total', async () => {
      const page = JSON.parse(
        (
          await app.client.scimList(
            anyone,
            request('User', { startIndex: 2, count: 1, countGiven: true }),
          )
        ).bodyJson,
      );

      expect(page).toMatchObject({ totalResults: 2, startIndex: 2, itemsPerPage: 1 });
      const empty = JSON.parse(
        (await app.client.scimList(anyone, request('User', { count: 0, countGiven: true })))
          .bodyJson,
      );
      expect(empty).toMatchObject({ totalResults: 2, itemsPerPage: 0, Resources: [] });
    });

    it('disables with active false, publishing user.disabled, and refuses a stale If-Match unchanged', async () => {
      const [user] = (await list('User', 'userName eq "bjensen@example.com"')).Resources;
      const disabled = await patch(
        'User',
        user.id,
        [{ op: 'replace', path: 'active', value: false }],
        user.meta.version,
      );

      expect(disabled.active).toBe(false);
      expect(await published('user.disabled')).toContainEqual(
        expect.objectContaining({ userId: user.id, reason: 'disabled_by_scim' }),
      );
      const before = await snapshot();
      const failure = await conferFailure(
        app.client.scimReplace(
          anyone,
          request('User', {
            id: user.id,
            ifMatch: user.meta.version,
            bodyJson: JSON.stringify({ schemas: [USER], userName: 'renamed' }),
          }),
        ),
      );
      expect(failure.code).toBe('scim.version_mismatch');
      expect(failure.details).toEqual({ scimStatus: 412 });
      expect(await snapshot()).toEqual(before);
    });

    it('deletes by disabling and hiding, and a new create with the same userName revives the id', async () => {
      const user = await create('User', { schemas: [USER], userName: 'leaver' });
      await app.client.scimDelete(anyone, request('User', { id: user.id }));

      expect(
        (await conferFailure(app.client.scimGet(anyone, request('User', { id: user.id })))).code,
      ).toBe('scim.not_found');
      expect(
        (await db.query('SELECT status FROM users WHERE id = $1', [user.id])).rows[0].status,
      ).toBe('disabled');
      expect(await published('user.disabled')).toContainEqual(
        expect.objectContaining({ userId: user.id, reason: 'deleted_by_scim' }),
      );
      const again = await create('User', { schemas: [USER], userName: 'leaver' });
      expect(again.id).toBe(user.id);
      expect(again.active).toBe(true);
    });

    it("answers another organisation's person as unknown", async () => {
      const other = await app.client.createOrganisation(systemCaller(randomUUID(), 'it'), {
        name: 'Other',
        domain: 'other.example',
        id: '',
      });
      const otherAdmin = { ...admin, orgId: other.id };
      const otherToken = (await app.client.createScimToken(otherAdmin, { name: 'other' })).secret;
      const [user] = (await list('User', 'userName eq "leaver"')).Resources;

      const failure = await conferFailure(
        app.client.scimGet(anyone, request('User', { id: user.id, token: otherToken })),
      );
      expect(failure.code).toBe('scim.not_found');
    });
  });

  describe('groups', () => {
    it('pushes a tree with members that the directory serves', async () => {
      const [babs] = (await list('User', 'userName eq "bjensen@example.com"')).Resources;
      await patch('User', babs.id, [{ op: 'replace', path: 'active', value: true }]);
      const root = await create('Group', {
        schemas: [GROUP],
        displayName: 'Tours',
        externalId: 'ou=tours',
      });
      const child = await create('Group', {
        schemas: [GROUP, DEPARTMENT],
        displayName: 'Guides',
        members: [{ value: babs.id }],
        [DEPARTMENT]: { parent: root.id },
      });

      const member = { ...admin, roles: [] };
      const tree = await app.client.getDepartment(member, { id: child.id });
      expect(tree.ancestors.map((department) => department.name)).toEqual(['Tours']);
      const members = await app.client.listDepartmentMembers(member, {
        departmentId: child.id,
        limit: 10,
        cursor: '',
      });
      expect(members.items.map((user) => user.id)).toEqual([babs.id]);
      expect((await get('User', babs.id)).groups).toEqual([
        expect.objectContaining({ value: child.id, display: 'Guides' }),
      ]);
    });

    it('adds and removes members with the RFC PATCH examples', async () => {
      const [group] = (await list('Group', 'displayName eq "tours"')).Resources;
      const [babs] = (await list('User', 'userName eq "bjensen@example.com"')).Resources;
      const add = fixture('rfc7644-3.5.2.1-patch_op-add_members') as {
        Operations: { value: { value: string }[] }[];
      };
      add.Operations[0].value[0].value = babs.id;

      const added = await app.client.scimPatch(
        anyone,
        request('Group', { id: group.id, bodyJson: JSON.stringify(add) }),
      );
      expect(JSON.parse(added.bodyJson).members).toEqual([
        expect.objectContaining({ value: babs.id }),
      ]);
      const removed = await patch('Group', group.id, [
        { op: 'remove', path: `members[value eq "${babs.id}"]` },
      ]);
      expect(removed.members).toEqual([]);
    });

    it('refuses unknown members, cycles and deleting a group with sub-groups, changing nothing', async () => {
      const [root] = (await list('Group', 'externalId eq "ou=tours"')).Resources;
      const [child] = (await list('Group', 'displayName eq "Guides"')).Resources;
      const before = await snapshot();

      const unknown = await conferFailure(
        app.client.scimPatch(
          anyone,
          request('Group', {
            id: root.id,
            bodyJson: JSON.stringify({
              schemas: [PATCH_OP],
              Operations: [{ op: 'add', path: 'members', value: [{ value: randomUUID() }] }],
            }),
          }),
        ),
      );
      expect(unknown.details).toEqual({ scimStatus: 400, scimType: 'invalidValue' });
      const cycle = await conferFailure(
        app.client.scimPatch(
          anyone,
          request('Group', {
            id: root.id,
            bodyJson: JSON.stringify({
              schemas: [PATCH_OP],
              Operations: [{ op: 'add', path: `${DEPARTMENT}:parent`, value: child.id }],
            }),
          }),
        ),
      );
      expect(cycle.code).toBe('scim.invalid_value');
      const parentOfTree = await conferFailure(
        app.client.scimDelete(anyone, request('Group', { id: root.id })),
      );
      expect(parentOfTree.code).toBe('scim.group_has_children');
      expect(await snapshot()).toEqual(before);
    });

    it('moves a subtree to the root and deletes a leaf', async () => {
      const [child] = (await list('Group', 'displayName eq "Guides"')).Resources;
      const moved = await patch('Group', child.id, [
        { op: 'remove', path: `${DEPARTMENT}:parent` },
      ]);

      expect(moved).not.toHaveProperty(DEPARTMENT);
      const row = await db.query('SELECT parent_id, path, depth FROM departments WHERE id = $1', [
        child.id,
      ]);
      expect(row.rows[0]).toEqual({ parent_id: null, path: [child.id], depth: 0 });
      await app.client.scimDelete(anyone, request('Group', { id: child.id }));
      expect(
        (await conferFailure(app.client.scimGet(anyone, request('Group', { id: child.id })))).code,
      ).toBe('scim.not_found');
    });
  });
});
