import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

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
  });

  afterAll(async () => {
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

  it('refuses to search another organisation', async () => {
    const outsider = { ...viewer, orgId: randomUUID() };

    const error = await conferFailure(
      app.client.searchPeople(outsider, { orgId, query: 'a', limit: 5 }),
    );

    expect(error.code).toBe('organisation.not_found');
  });
});
