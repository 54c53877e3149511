import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Client as PgClient } from 'pg';
import { DataSource } from 'typeorm';

import { databaseUrl } from '@confer/database';
import { Caller, systemCaller } from '@confer/grpc';
import {
  conferFailure,
  dropDatabase,
  resetDirectory,
  testDirectoryServer,
  testServers,
  uniqueDatabaseName,
  uniqueToken,
} from '@confer/testing';

import { RekeyChineseNames1796416628893 } from '../src/migrations/1796416628893-rekey-chinese-names';
import { PeopleSearchService } from '../src/people-search/people-search.service';
import { fixtureDirectory, syncToEnd } from './fixture-directory';
import { RunningContacts, startContacts } from './start-contacts';

const servers = testServers();
const directory = testDirectoryServer();

interface SearchCase {
  query: string;
  expect: string[];
  exclude?: string[];
}

const cases = (
  JSON.parse(readFileSync(join(__dirname, 'fixtures', 'people-search-cases.json'), 'utf8')) as {
    cases: SearchCase[];
  }
).cases;

jest.setTimeout(120_000);

describe(PeopleSearchService.name, () => {
  const database = uniqueDatabaseName('contacts_search_it');
  const orgId = randomUUID();
  const system = systemCaller(orgId, 'it-search');
  const viewer: Caller = { userId: randomUUID(), orgId, roles: [], correlationId: 'it-viewer' };
  let app: RunningContacts;
  let db: PgClient;
  /** uid by every address of the fixture. */
  const uidByEmail = new Map<string, string>();

  async function uids(query: string, caller: Caller = viewer, limit = 5): Promise<string[]> {
    const { items } = await app.client.searchPeople(caller, { orgId, query, limit });

    return items.map((item) => uidByEmail.get(item.email) ?? item.email);
  }

  beforeAll(async () => {
    await resetDirectory();
    const fixture = fixtureDirectory(directory.ldifPath, `ou=org,${directory.baseDn}`);
    for (const person of fixture.people) {
      for (const mail of person.attributes.get('mail') ?? []) {
        uidByEmail.set(mail.toLowerCase(), person.attributes.get('uid')?.[0] ?? '');
      }
    }
    app = await startContacts({
      POSTGRES_URL: servers.postgresUrl,
      DATABASE_NAME: database,
      NATS_URL: servers.natsUrl,
      NATS_PREFIX: uniqueToken('it'),
      LDAP_ORG_ID: orgId,
      LDAP_URL: directory.url,
      LDAP_BIND_DN: directory.bindDn,
      LDAP_BIND_PASSWORD: directory.password,
    });
    await app.client.createOrganisation(system, {
      id: orgId,
      name: 'Example',
      domain: 'example.cn',
    });
    const run = await syncToEnd(app, system, true);
    expect(run.status).toBe('succeeded');
    db = new PgClient({ connectionString: databaseUrl(servers.postgresUrl, database) });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await app?.close();
    await dropDatabase(servers.postgresUrl, database);
  });

  it.each(cases)('finds $expect among the first five for $query', async (search) => {
    const found = await uids(search.query);

    expect(found).toEqual(expect.arrayContaining(search.expect));
    for (const excluded of search.exclude ?? []) {
      expect(await uids(search.query, viewer, 50)).not.toContain(excluded);
    }
  });

  it('ranks an exact match before prefix matches', async () => {
    const found = await uids('achen', viewer, 10);

    expect(found[0]).toBe('achen');
    expect(found).toContain('achen2');
  });

  it('puts people of the viewer’s departments first among equal matches', async () => {
    const before = (await app.client.searchPeople(viewer, { orgId, query: 'sy', limit: 5 })).items;
    const last = before[before.length - 1];
    // The viewer is the last of several equal (exact initials) matches: they share a department
    // with themselves and with no other match.
    const insider: Caller = { ...viewer, userId: last.id };

    const after = (await app.client.searchPeople(insider, { orgId, query: 'sy', limit: 5 })).items;

    expect(before.length).toBeGreaterThan(1);
    expect(before[0].id).not.toBe(last.id);
    expect(after[0].id).toBe(last.id);
  });

  it('returns each person with their departments and titles', async () => {
    const [person] = (await app.client.searchPeople(viewer, { orgId, query: 'shanyong', limit: 1 }))
      .items;

    expect(person).toMatchObject({ displayName: '单勇', surname: '单', title: '主管' });
    expect(person.departments).toEqual([
      expect.objectContaining({ name: '客户端研发部', title: '主管' }),
    ]);
  });

  it('finds a name one typing slip away, whole names first', async () => {
    expect((await uids('shanyogn'))[0]).toBe('shanyong');
    // Two people are called 区长青; both come before anyone merely starting so.
    expect((await uids('ouchangqnig')).slice(0, 2).sort()).toEqual(['ouchangqing', 'ouchangqing2']);
    expect(await uids('yuchilteian')).toContain('yuchiletian');
  });

  it('finds a name typed with other characters of the same sound', async () => {
    // 单永 is nobody's name; it sounds like 单勇 (shanyong).
    expect((await uids('单永'))[0]).toBe('shanyong');
  });

  it('leaves disabled people out of near matches too', async () => {
    expect(await uids('piaomign', viewer, 50)).not.toContain('piaoming');
    expect(await uids('朴明', viewer, 50)).not.toContain('piaoming');
  });

  it('treats wildcards, backslashes and quotes as typed characters, and changes nothing', async () => {
    const counts = () =>
      db.query<{ users: string; keys: string }>(
        `SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM user_search_keys) AS keys`,
      );
    const before = (await counts()).rows[0];

    for (const query of [
      '%',
      '_',
      '\\',
      "'",
      '"',
      '%%%',
      '_%\\',
      "x' OR '1'='1",
      '"; DROP TABLE users; --',
      '\u0000',
      '%\u0000_',
    ]) {
      expect(await uids(query, viewer, 50)).toEqual([]);
    }
    // As a LIKE pattern s_anyong would match shanyong as a prefix; here the _ is a slip for h.
    expect((await uids('s_anyong'))[0]).toBe('shanyong');
    expect((await counts()).rows[0]).toEqual(before);
  });

  it('weighs every matching colleague even when a prefix matches more keys than it reads', async () => {
    // 260 people whose addresses start zzcap, more than the 100 keys a prefix branch reads for
    // a page of five; the viewer shares a department only with the last of them in key order.
    const ids = Array.from({ length: 260 }, () => randomUUID());
    const names = ids.map((_, index) => `zzcap${String(index).padStart(3, '0')}`);
    const departmentId = randomUUID();
    const insider = ids[ids.length - 1];
    const colleague = ids[10];
    await db.query(
      `INSERT INTO users (id, org_id, email, display_name)
       SELECT id, $1, name || '@example.cn', name FROM unnest($2::uuid[], $3::text[]) AS u(id, name)`,
      [orgId, ids, names],
    );
    await db.query(
      `INSERT INTO user_search_keys (org_id, user_id, kind, key)
       SELECT $1, id, 'email', name FROM unnest($2::uuid[], $3::text[]) AS u(id, name)`,
      [orgId, ids, names],
    );
    await db.query(
      `INSERT INTO departments (id, org_id, name, source_id, source_dn, path, depth)
       VALUES ($1, $2, 'zzcap', $3, 'ou=zzcap', ARRAY[$1::uuid], 0)`,
      [departmentId, orgId, departmentId.toString()],
    );
    await db.query(
      `INSERT INTO user_departments (user_id, department_id) VALUES ($1, $3), ($2, $3)`,
      [insider, colleague, departmentId],
    );
    const asColleague: Caller = { ...viewer, userId: colleague };

    try {
      const found = (
        await app.client.searchPeople(asColleague, { orgId, query: 'zzcap', limit: 5 })
      ).items;
      const stranger = (await app.client.searchPeople(viewer, { orgId, query: 'zzcap', limit: 5 }))
        .items;

      expect(found.map((item) => item.id).slice(0, 2)).toEqual(
        expect.arrayContaining([insider, colleague]),
      );
      expect(stranger.map((item) => item.displayName)).toEqual(names.slice(0, 5));
    } finally {
      await db.query('DELETE FROM users WHERE id = ANY($1::uuid[])', [ids]);
      await db.query('DELETE FROM departments WHERE id = $1', [departmentId]);
    }
  });

  it('finds people synced from the directory by the initials of their given name', async () => {
    // 尉迟乐天 and 曾乐天: given name 乐天, letian, lt.
    const found = await uids('lt', viewer, 50);

    expect(found).toEqual(expect.arrayContaining(['yuchiletian', 'zengletian']));
  });

  describe('people keyed by an earlier version, once the rekey migration ran', () => {
    /** Inserted people: display name, surname, given name, and the keys the earlier version wrote. */
    const people = {
      david: [
        'David Wu 吴大卫',
        'Wu',
        'David',
        'name:davidwu吴大卫 name:david name:wu pinyin:davidwuwudawei initials:dwdw',
      ],
      xiaoming: [
        '王小明',
        '王',
        '小明',
        'name:王小明 pinyin:wangxiaoming initials:wxm name:小明 pinyin:xiaoming',
      ],
      xuming: ['徐明', '徐', '明', 'name:徐明 pinyin:xuming initials:xm name:明 pinyin:ming'],
      xiaomengyao: [
        '肖梦瑶',
        '肖',
        '梦瑶',
        'name:肖梦瑶 pinyin:xiaomengyao initials:xmy name:梦瑶 pinyin:mengyao',
      ],
      xiaoming2: ['萧明', '萧', '明', 'name:萧明 pinyin:xiaoming initials:xm name:明 pinyin:ming'],
      // A legacy key no version computes: proves a Latin name's keys are left alone.
      frank: ['Frank Xu', null, null, 'name:frankxu name:frank name:xu name:fxlegacy'],
    } as const;
    const ids = Object.fromEntries(Object.keys(people).map((who) => [who, randomUUID()])) as Record<
      keyof typeof people,
      string
    >;
    const who = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
    const names = async (query: string): Promise<string[]> =>
      (await app.client.searchPeople(viewer, { orgId, query, limit: 50 })).items.flatMap((item) =>
        who.has(item.id) ? [who.get(item.id)!] : [],
      );
    const keysOf = async (id: string): Promise<string[]> =>
      (
        await db.query<{ k: string }>(
          `SELECT kind || ':' || key AS k FROM user_search_keys WHERE user_id = $1 ORDER BY 1`,
          [id],
        )
      ).rows.map((row) => row.k);

    beforeAll(async () => {
      for (const [name, [displayName, surname, givenName, keys]] of Object.entries(people)) {
        const id = ids[name as keyof typeof people];
        const email = `zzrekey.${name}@example.cn`;
        await db.query(
          `INSERT INTO users (id, org_id, email, display_name, surname, given_name)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [id, orgId, email, displayName, surname, givenName],
        );
        const pairs = [...keys.split(' '), `email:${email}`, `email:zzrekey.${name}`];
        await db.query(
          `INSERT INTO user_search_keys (org_id, user_id, kind, key)
           SELECT $1, $2, split_part(p, ':', 1), substr(p, strpos(p, ':') + 1)
           FROM unnest($3::text[]) AS p`,
          [orgId, id, pairs],
        );
      }
    });

    afterAll(async () => {
      await db.query('DELETE FROM users WHERE id = ANY($1::uuid[])', [Object.values(ids)]);
    });

    it('were not found by their Chinese part or given-name initials before it', async () => {
      for (const query of ['吴大卫', '大卫', 'dawei']) {
        expect(await names(query)).not.toContain('david');
      }
      expect(await names('xm')).not.toContain('xiaoming');
    });

    it('re-derives the keys of Chinese names only, in one migration run', async () => {
      const frankBefore = await keysOf(ids.frank);
      const runner = app.app.get(DataSource).createQueryRunner();
      try {
        await runner.startTransaction();
        await new RekeyChineseNames1796416628893().up(runner);
        await runner.commitTransaction();
      } finally {
        await runner.release();
      }

      expect(await keysOf(ids.david)).toEqual(
        [
          'name:davidwu吴大卫',
          'name:david',
          'name:wu',
          'name:吴大卫',
          'pinyin:wudawei',
          'initials:wdw',
          'given_name:大卫',
          'given_pinyin:dawei',
          'given_initials:dw',
          'email:zzrekey.david@example.cn',
          'email:zzrekey.david',
        ].sort(),
      );
      expect(await keysOf(ids.xiaoming)).toContain('given_initials:xm');
      expect(await keysOf(ids.frank)).toEqual(frankBefore);
    });

    it.each(['吴', '吴大卫', '大卫', 'dawei', 'wudawei', 'wdw', 'wu', 'david'])(
      'finds a mixed-script name by %s',
      async (query) => {
        expect(await names(query)).toContain('david');
      },
    );

    it('finds a given name by its initials, below everyone whose initials start so', async () => {
      const found = await names('xm');

      expect(found).toContain('xiaoming');
      // 徐明 and 萧明 are xm exactly, 肖梦瑶 starts xm: all surname first.
      expect(found.indexOf('xiaoming')).toBeGreaterThan(found.indexOf('xuming'));
      expect(found.indexOf('xiaoming')).toBeGreaterThan(found.indexOf('xiaoming2'));
      expect(found.indexOf('xiaoming')).toBeGreaterThan(found.indexOf('xiaomengyao'));
      expect(found.indexOf('xuming')).toBeGreaterThanOrEqual(0);
      expect(found.indexOf('xiaomengyao')).toBeGreaterThanOrEqual(0);
    });

    it('ranks a given name’s pinyin below a whole name’s', async () => {
      // xiaoming: 萧明's whole pinyin, 王小明's given name; 肖梦瑶 follows as a slip (xiaomeng).
      expect((await names('xiaoming')).slice(0, 2)).toEqual(['xiaoming2', 'xiaoming']);
      const prefix = await names('xiaom');
      expect(prefix.slice(0, 2).sort()).toEqual(['xiaomengyao', 'xiaoming2']);
      expect(prefix[2]).toBe('xiaoming');
    });
  });

  it('refuses to search another organisation', async () => {
    const outsider = { ...viewer, orgId: randomUUID() };

    const error = await conferFailure(
      app.client.searchPeople(outsider, { orgId, query: 'a', limit: 5 }),
    );

    expect(error.code).toBe('organisation.not_found');
  });
});
