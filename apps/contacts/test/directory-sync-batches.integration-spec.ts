import { randomUUID } from 'node:crypto';

import { Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

import { dataSourceOptions, ensureDatabase, runMigrations } from '@confer/database';
import { dropDatabase, testServers, uniqueDatabaseName } from '@confer/testing';

import { DepartmentNode, PersonRecord } from '../src/directory-sync/directory-records';
import { writeDepartments } from '../src/directory-sync/department-writer';
import { writeMemberships } from '../src/directory-sync/membership-writer';
import { DEFAULT_ATTRIBUTE_MAP } from '../src/directory-sync/ldap-settings';
import { loadPeople, retirePeople, writePeople } from '../src/directory-sync/people-writer';
import { emptyReport } from '../src/directory-sync/sync-report';
import { ENTITIES } from '../src/entities';
import { MIGRATIONS } from '../src/migrations';
import { searchKeys } from '../src/people-search/search-keys';
import { writeSearchKeys } from '../src/people-search/search-key-writer';

jest.setTimeout(60_000);

const servers = testServers();
const DOMAIN = 'batches.example.cn';
const subject = (event: string) => `it.contacts.${event}`;

function record(index: number, changes: Partial<PersonRecord> = {}): PersonRecord {
  return {
    sourceId: `entry-${String(index).padStart(3, '0')}`,
    dn: `uid=p${String(index).padStart(3, '0')},ou=people,dc=example,dc=cn`,
    email: `p${index}@${DOMAIN}`,
    secondaryEmails: index % 3 === 0 ? [`alias${index}@${DOMAIN}`] : [],
    displayName: ['王伟', '欧阳娜娜', '单雄信', 'Alice Brown', '尉迟恭'][index % 5],
    surname: null,
    givenName: null,
    title: '工程师',
    deskPhone: null,
    mobile: null,
    employeeNumber: `E${index}`,
    disabled: false,
    ...changes,
  };
}

/** The writes of a run, in batches of `batchSize`, in one transaction as a run makes them. */
async function applyPeople(
  dataSource: DataSource,
  orgId: string,
  records: PersonRecord[],
  batchSize: number,
  manager?: (real: EntityManager) => EntityManager,
) {
  const report = emptyReport();
  const progress: number[] = [];
  const changes = await dataSource.transaction(async (real) => {
    const used = manager ? manager(real) : real;
    const people = await writePeople(
      used,
      orgId,
      await loadPeople(used, orgId),
      records,
      report,
      subject,
      {
        batchSize,
        onProgress: async (count) => {
          progress.push(count);
        },
      },
    );
    await retirePeople(
      used,
      records.map(({ sourceId, dn }) => ({ sourceId, dn })),
      people,
      report,
      subject,
      batchSize,
    );
    await writeSearchKeys(used, people.rekey, batchSize);

    return people;
  });

  return { report, progress, changes };
}

describe('directory sync applied in batches', () => {
  const database = uniqueDatabaseName('contacts_batches_it');
  let dataSource: DataSource;
  let orgId: string;

  beforeAll(async () => {
    Logger.overrideLogger(['error']);
    await ensureDatabase(servers.postgresUrl, database);
    dataSource = new DataSource(
      dataSourceOptions({
        url: servers.postgresUrl,
        database,
        poolSize: 2,
        migrateOnStart: true,
        entities: ENTITIES,
        migrations: MIGRATIONS,
      }),
    );
    await dataSource.initialize();
    await runMigrations(dataSource);
  });

  beforeEach(async () => {
    orgId = randomUUID();
    await dataSource.query(
      `INSERT INTO organisations (id, name, domain) VALUES ($1, 'Batches', $2)`,
      [orgId, `${orgId.slice(0, 8)}.${DOMAIN}`],
    );
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabase(servers.postgresUrl, database);
  });

  async function people(): Promise<{ email: string; display_name: string; n: number }[]> {
    return dataSource.query(
      `SELECT email, display_name, count(*) OVER (PARTITION BY source_id)::int AS n
       FROM users WHERE org_id = $1 ORDER BY source_id`,
      [orgId],
    );
  }

  it('applies 2.5 batches of people exactly once, with their keys, events and progress', async () => {
    const domain = (
      await dataSource.query('SELECT domain FROM organisations WHERE id = $1', [orgId])
    )[0].domain as string;
    const records = Array.from({ length: 10 }, (_, index) =>
      record(index, { email: `p${index}@${domain}`, secondaryEmails: [] }),
    );

    const first = await applyPeople(dataSource, orgId, records, 4);

    expect(first.report).toMatchObject({ created: 10, updated: 0, failures: [] });
    // Nothing unchanged, then three batches of creations (4, 4, 2), then no late writes.
    expect(first.progress).toEqual([0, 4, 4, 2, 0]);
    const rows = await people();
    expect(rows.map((row) => row.email)).toEqual(records.map((r) => r.email));
    expect(rows.every((row) => row.n === 1)).toBe(true);
    expect(first.changes.events.filter((e) => e.subject.endsWith('user.created'))).toHaveLength(10);
    const keys = await dataSource.query(
      'SELECT count(*)::int AS n, count(DISTINCT user_id)::int AS users FROM user_search_keys WHERE org_id = $1',
      [orgId],
    );
    const expectedKeys = records.reduce((sum, r) => sum + searchKeys(r).length, 0);
    expect(keys[0]).toEqual({ n: expectedKeys, users: 10 });

    // The same directory again: nothing written, no event, every record counted as processed.
    const before = await dataSource.query(
      'SELECT id, updated_at FROM users WHERE org_id = $1 ORDER BY id',
      [orgId],
    );
    const again = await applyPeople(dataSource, orgId, records, 4);
    expect(again.report).toMatchObject({ created: 0, updated: 0, disabled: 0 });
    expect(again.changes.events).toEqual([]);
    expect(again.progress).toEqual([10, 0]);
    expect(
      await dataSource.query('SELECT id, updated_at FROM users WHERE org_id = $1 ORDER BY id', [
        orgId,
      ]),
    ).toEqual(before);
  });

  it('updates across batch boundaries, and writes an address given up in the run after it is free', async () => {
    const domain = (
      await dataSource.query('SELECT domain FROM organisations WHERE id = $1', [orgId])
    )[0].domain as string;
    const at = (local: string) => `${local}@${domain}`;
    const records = Array.from({ length: 9 }, (_, index) =>
      record(index, { email: at(`p${index}`), secondaryEmails: [] }),
    );
    await applyPeople(dataSource, orgId, records, 4);

    // p1 takes p2's address after p2 moved on to a new one (p2 is applied... after p1 in
    // record order, so p1 first finds the address held: a duplicate); p4 moves on and p5
    // takes p4's old address (allowed, written after p4's update); p7 is renamed and disabled.
    const changed = records.map((r, index) => {
      switch (index) {
        case 1:
          return { ...r, email: at('p2') };
        case 2:
          return { ...r, email: at('p2-new') };
        case 4:
          return { ...r, email: at('p4-new') };
        case 5:
          return { ...r, email: at('p4') };
        case 7:
          return { ...r, displayName: '改名', disabled: true };
        default:
          return r;
      }
    });
    const run = await applyPeople(dataSource, orgId, changed, 4);

    expect(run.report.failures).toEqual([
      expect.objectContaining({ sourceId: 'entry-001', reason: 'duplicate_mail' }),
    ]);
    expect(run.report).toMatchObject({ created: 0, updated: 4, disabled: 1 });
    expect(await people()).toEqual([
      { email: at('p0'), display_name: records[0].displayName, n: 1 },
      { email: at('p1'), display_name: records[1].displayName, n: 1 },
      { email: at('p2-new'), display_name: records[2].displayName, n: 1 },
      { email: at('p3'), display_name: records[3].displayName, n: 1 },
      { email: at('p4-new'), display_name: records[4].displayName, n: 1 },
      { email: at('p4'), display_name: records[5].displayName, n: 1 },
      { email: at('p6'), display_name: records[6].displayName, n: 1 },
      { email: at('p7'), display_name: '改名', n: 1 },
      { email: at('p8'), display_name: records[8].displayName, n: 1 },
    ]);
    const status = await dataSource.query(
      `SELECT status FROM users WHERE org_id = $1 AND source_id = 'entry-007'`,
      [orgId],
    );
    expect(status).toEqual([{ status: 'disabled' }]);
    // Keys follow the new names and addresses, and only them.
    const keys: { key: string }[] = await dataSource.query(
      `SELECT k.key FROM user_search_keys k JOIN users u ON u.id = k.user_id
       WHERE u.org_id = $1 AND u.source_id IN ('entry-004', 'entry-005', 'entry-007')`,
      [orgId],
    );
    expect(keys.map((row) => row.key).sort()).toEqual(
      [
        ...searchKeys({ ...changed[4] }),
        ...searchKeys({ ...changed[5] }),
        ...searchKeys({ ...changed[7] }),
      ]
        .map((key) => key.key)
        .sort(),
    );
  });

  it('leaves nothing behind when a batch in the middle fails: the run is one transaction', async () => {
    const domain = (
      await dataSource.query('SELECT domain FROM organisations WHERE id = $1', [orgId])
    )[0].domain as string;
    const records = Array.from({ length: 10 }, (_, index) =>
      record(index, { email: `p${index}@${domain}` }),
    );
    let inserts = 0;
    const failingThirdInsert = (real: EntityManager) =>
      new Proxy(real, {
        get(target, property, receiver) {
          if (property !== 'query') {
            return Reflect.get(target, property, receiver);
          }

          return async (sql: string, params?: unknown[]) => {
            if (sql.includes('INSERT INTO users') && ++inserts === 3) {
              throw new Error('the server went away');
            }

            return target.query(sql, params);
          };
        },
      });

    await expect(applyPeople(dataSource, orgId, records, 4, failingThirdInsert)).rejects.toThrow(
      'the server went away',
    );

    expect(inserts).toBe(3);
    expect(await people()).toEqual([]);
    const keys = await dataSource.query(
      'SELECT count(*)::int AS n FROM user_search_keys WHERE org_id = $1',
      [orgId],
    );
    expect(keys).toEqual([{ n: 0 }]);
    // Applied again, it comes out whole, once.
    await applyPeople(dataSource, orgId, records, 4);
    expect((await people()).map((row) => [row.email, row.n])).toEqual(
      records.map((r) => [r.email, 1]),
    );
  });

  it('writes a department tree and its memberships in batches, parents in the same or an earlier batch', async () => {
    const domain = (
      await dataSource.query('SELECT domain FROM organisations WHERE id = $1', [orgId])
    )[0].domain as string;
    const base = 'ou=org,dc=example,dc=cn';
    const node = (name: string, parent: DepartmentNode | null): DepartmentNode => ({
      sourceId: `dept-${name}`,
      dn: `ou=${name},${parent ? parent.dn : base}`,
      name,
      parentSourceId: parent?.sourceId ?? null,
      path: [...(parent?.path ?? []), `dept-${name}`],
    });
    const root = node('总部', null);
    const a = node('研发', root);
    const b = node('销售', root);
    const a1 = node('平台', a);
    const a2 = node('测试', a);
    const nodes = [root, a, b, a1, a2];
    const records = Array.from({ length: 5 }, (_, index) =>
      record(index, { email: `p${index}@${domain}` }),
    );
    const report = emptyReport();

    await dataSource.transaction(async (manager) => {
      const ids = await writeDepartments(manager, orgId, nodes, new Set(), report, 2);
      const people = await writePeople(
        manager,
        orgId,
        await loadPeople(manager, orgId),
        records,
        report,
        subject,
        { batchSize: 2, onProgress: async () => undefined },
      );
      const group = (department: DepartmentNode, members: number[]) => ({
        sourceId: `group-${department.name}`,
        dn: `cn=${department.name},ou=groups,dc=example,dc=cn`,
        modifiedAt: '',
        values: new Map([
          ['description', [department.dn]],
          ['member', members.map((index) => records[index].dn)],
        ]),
        undecodable: new Set<string>(),
      });
      await writeMemberships(
        manager,
        {
          groups: [group(a1, [0, 1, 2]), group(a2, [2, 3]), group(b, [4])],
          departmentIds: ids,
          departments: nodes,
          everyDepartment: true,
        },
        people,
        DEFAULT_ATTRIBUTE_MAP,
        report,
        2,
      );
    });

    expect(report).toMatchObject({ departmentsCreated: 5, failures: [] });
    const tree: { name: string; parent: string | null; depth: number; path: number }[] =
      await dataSource.query(
        `SELECT d.name, p.name AS parent, d.depth, cardinality(d.path) AS path
         FROM departments d LEFT JOIN departments p ON p.id = d.parent_id
         WHERE d.org_id = $1 ORDER BY d.depth, d.name`,
        [orgId],
      );
    expect(tree).toEqual([
      { name: '总部', parent: null, depth: 0, path: 1 },
      { name: '研发', parent: '总部', depth: 1, path: 2 },
      { name: '销售', parent: '总部', depth: 1, path: 2 },
      { name: '平台', parent: '研发', depth: 2, path: 3 },
      { name: '测试', parent: '研发', depth: 2, path: 3 },
    ]);
    const memberships: { name: string; members: string[] }[] = await dataSource.query(
      `SELECT d.name, array_agg(u.email ORDER BY u.email) AS members
       FROM user_departments ud JOIN departments d ON d.id = ud.department_id
       JOIN users u ON u.id = ud.user_id WHERE d.org_id = $1 GROUP BY d.name ORDER BY d.name`,
      [orgId],
    );
    const mail = (index: number) => `p${index}@${domain}`;
    expect(memberships).toEqual(
      [
        { name: '平台', members: [mail(0), mail(1), mail(2)] },
        { name: '测试', members: [mail(2), mail(3)] },
        { name: '销售', members: [mail(4)] },
      ].sort((x, y) => (x.name < y.name ? -1 : 1)),
    );
  });
});
