import { randomUUID } from 'node:crypto';

import { Attribute, Change, Client as LdapClient } from 'ldapts';
import { connect, NatsConnection } from 'nats';

import { conferFailure, testDirectoryServer, testServers } from '@confer/testing';

import { DirectorySyncService } from '../src/directory-sync/directory-sync.service';
import { useDirectoryOrganisation } from './directory-organisation';
import { syncToEnd } from './fixture-directory';
import { updateOf } from './ldap-settings';

const servers = testServers();
const directory = testDirectoryServer();

jest.setTimeout(120_000);

describe(DirectorySyncService.name, () => {
  const organisation = useDirectoryOrganisation('contacts_sync_it');
  const { orgId, prefix, system } = organisation;
  const DEPARTMENTS_BASE = organisation.departmentsBase;
  const PEOPLE_BASE = organisation.peopleBase;
  let nats: NatsConnection;

  /** Rows that describe the directory as synced, for before/after comparisons. */
  async function state(): Promise<unknown[]> {
    const { rows } = await organisation.db.query(
      `SELECT u.email, u.display_name, u.status, u.title, u.updated_at,
              array(SELECT d.name FROM user_departments ud JOIN departments d ON d.id = ud.department_id
                    WHERE ud.user_id = u.id ORDER BY d.name) AS departments
       FROM users u ORDER BY u.email`,
    );
    const departments = await organisation.db.query(
      'SELECT name, parent_id, depth, updated_at FROM departments ORDER BY source_id',
    );

    return [...rows, ...departments.rows];
  }

  /** The payloads of the next `count` messages on a subject (JetStream publishes reach core subscribers). */
  function collect(subject: string, count: number): Promise<{ email: string }[]> {
    const subscription = nats.subscribe(subject, { max: count, timeout: 30_000 });

    return (async () => {
      const payloads: { email: string }[] = [];
      for await (const message of subscription) {
        payloads.push(message.json<{ email: string }>());
      }

      return payloads;
    })();
  }

  async function withLdap(change: (ldap: LdapClient) => Promise<void>): Promise<void> {
    const ldap = new LdapClient({ url: directory.url });
    await ldap.bind(directory.bindDn, directory.password);
    try {
      await change(ldap);
    } finally {
      await ldap.unbind();
    }
  }

  beforeAll(async () => {
    nats = await connect({ servers: servers.natsUrl });
  });

  afterAll(async () => {
    await nats?.close();
  });

  it('brings in every person, department and membership of the directory', async () => {
    const run = await syncToEnd(organisation.app, system, true);

    const disabled = organisation.fixture.people.filter((person) =>
      person.attributes.get('employeeType')?.includes('disabled'),
    );
    expect(run).toMatchObject({
      status: 'succeeded',
      created: organisation.fixture.people.length,
      departmentsCreated: organisation.fixture.departments.length,
      failures: [],
      processed: run.total,
    });
    const people = await organisation.db.query(
      'SELECT email, status, secondary_emails, surname, mobile FROM users WHERE source_id IS NOT NULL',
    );
    expect(people.rowCount).toBe(organisation.fixture.people.length);
    expect(people.rows.filter((row) => row.status === 'disabled')).toHaveLength(disabled.length);
    // Every address, the first mail value as primary; 18 fixture people have a second mail
    // line apart from the first, which slapd sends as a repeated attribute.
    const byEmail = new Map(people.rows.map((row) => [row.email, row.secondary_emails]));
    const twice = organisation.fixture.people.filter(
      (entry) => (entry.attributes.get('mail')?.length ?? 0) > 1,
    );
    expect(twice).toHaveLength(18);
    const addresses = (entry: (typeof twice)[number]) =>
      (entry.attributes.get('mail') ?? []).map((mail) => mail.toLowerCase());
    expect(
      organisation.fixture.people.filter((entry) => {
        const [primary, ...secondary] = addresses(entry);

        return JSON.stringify(byEmail.get(primary)) !== JSON.stringify(secondary);
      }),
    ).toEqual([]);

    // Each department hangs under the department its DN names.
    const departments = await organisation.db.query(
      `SELECT d.source_dn, p.source_dn AS parent_dn, d.depth FROM departments d
       LEFT JOIN departments p ON p.id = d.parent_id`,
    );
    const expected = organisation.fixture.departments.map((entry) => {
      const parent = entry.dn.slice(entry.dn.indexOf(',') + 1);

      return [entry.dn, parent === DEPARTMENTS_BASE ? null : parent];
    });
    expect(departments.rows.map((row) => [row.source_dn, row.parent_dn]).sort()).toEqual(
      expected.sort(),
    );
    expect(Math.max(...departments.rows.map((row) => row.depth))).toBe(2);

    // Each group's members are its department's members.
    const memberships = await organisation.db.query(
      `SELECT d.source_dn, u.source_dn AS member FROM user_departments ud
       JOIN departments d ON d.id = ud.department_id JOIN users u ON u.id = ud.user_id`,
    );
    const groupMembers = organisation.fixture.groups.flatMap((group) =>
      (group.attributes.get('member') ?? []).map((member) => [
        group.attributes.get('description')?.[0],
        member,
      ]),
    );
    expect(memberships.rows.map((row) => [row.source_dn, row.member]).sort()).toEqual(
      groupMembers.sort(),
    );
  });

  it('changes nothing when run again, fully or incrementally', async () => {
    const before = await state();

    const incremental = await syncToEnd(organisation.app, system, false);
    const full = await syncToEnd(organisation.app, system, true);

    for (const run of [incremental, full]) {
      expect(run).toMatchObject({
        status: 'succeeded',
        created: 0,
        updated: 0,
        moved: 0,
        disabled: 0,
        departmentsCreated: 0,
        departmentsUpdated: 0,
        departmentsRemoved: 0,
      });
    }
    expect(incremental.full).toBe(false);
    expect(await state()).toEqual(before);
  });

  it('applies a rename, a move, a disable and a delete on the next incremental run', async () => {
    const group = (name: string) => `cn=${name},ou=groups,${directory.baseDn}`;
    const person = (uid: string) => `uid=${uid},${PEOPLE_BASE}`;
    await withLdap(async (ldap) => {
      await ldap.modify(person('shanyong'), [
        new Change({
          operation: 'replace',
          modification: new Attribute({ type: 'displayName', values: ['单永勇'] }),
        }),
      ]);
      await ldap.modify(group('北京总部'), [
        new Change({
          operation: 'delete',
          modification: new Attribute({ type: 'member', values: [person('yangjing')] }),
        }),
      ]);
      await ldap.modify(group('财务部'), [
        new Change({
          operation: 'add',
          modification: new Attribute({ type: 'member', values: [person('yangjing')] }),
        }),
      ]);
      await ldap.modify(person('achen'), [
        new Change({
          operation: 'add',
          modification: new Attribute({ type: 'employeeType', values: ['disabled'] }),
        }),
      ]);
      await ldap.del(person('ouyangzhe'));
    });

    const disabledEvents = collect(`${prefix}.contacts.user.disabled`, 2);
    const run = await syncToEnd(organisation.app, system, false);

    expect(run).toMatchObject({
      status: 'succeeded',
      full: false,
      created: 0,
      updated: 1,
      moved: 1,
      disabled: 2,
    });
    const rows = await organisation.db.query(
      `SELECT u.email, u.display_name, u.status,
              array(SELECT d.name FROM user_departments ud JOIN departments d ON d.id = ud.department_id
                    WHERE ud.user_id = u.id) AS departments
       FROM users u WHERE email = ANY($1) ORDER BY email`,
      [['achen@example.cn', 'ouyangzhe@example.cn', 'shanyong@example.cn', 'yangjing@example.cn']],
    );
    expect(rows.rows).toEqual([
      expect.objectContaining({ email: 'achen@example.cn', status: 'disabled' }),
      expect.objectContaining({ email: 'ouyangzhe@example.cn', status: 'disabled' }),
      expect.objectContaining({
        email: 'shanyong@example.cn',
        display_name: '单永勇',
        status: 'active',
      }),
      expect.objectContaining({ email: 'yangjing@example.cn', departments: ['财务部'] }),
    ]);
    const events = await disabledEvents;
    expect(events.map((event) => event.email).sort()).toEqual([
      'achen@example.cn',
      'ouyangzhe@example.cn',
    ]);
    const keys = await organisation.db.query(
      `SELECT k.key FROM user_search_keys k JOIN users u ON u.id = k.user_id
       WHERE u.email = 'shanyong@example.cn' AND k.kind = 'pinyin'`,
    );
    expect(keys.rows.map((row) => row.key)).toContain('shanyongyong');
  });

  it('fails a run cleanly when the directory refuses the bind, changing nothing', async () => {
    const stored = await organisation.app.client.getLdapSettings(system, { orgId });
    await organisation.app.client.updateLdapSettings(system, updateOf(stored, 'not-the-password'));
    try {
      const before = await state();

      const run = await syncToEnd(organisation.app, system, true);

      expect(run).toMatchObject({ status: 'failed', errorCode: 'ldap.bind_failed', created: 0 });
      expect(run.finishedAt).not.toBe('');
      expect(await state()).toEqual(before);
    } finally {
      await organisation.app.client.updateLdapSettings(
        system,
        updateOf(stored, directory.password),
      );
    }
  });

  it('refuses a start by anyone but an administrator of the organisation or the platform', async () => {
    const member = { userId: randomUUID(), orgId, roles: [], correlationId: 'it-member' };
    const outsider = { ...member, orgId: randomUUID(), roles: ['org_admin'] };

    const refusals = await Promise.all([
      conferFailure(organisation.app.client.startDirectorySync(member, { orgId, full: false })),
      conferFailure(organisation.app.client.startDirectorySync(outsider, { orgId, full: false })),
    ]);

    expect(refusals.map((error) => error.code)).toEqual([
      'directory_sync.forbidden',
      'directory_sync.forbidden',
    ]);
  });
});
