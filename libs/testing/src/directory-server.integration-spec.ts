import { readFileSync } from 'node:fs';

import { Attribute, Change, Client } from 'ldapts';

import { resetDirectory, testDirectoryServer } from './directory-server';

const server = testDirectoryServer();
const peopleBase = `ou=people,${server.baseDn}`;

/** The fixture's entries as attribute lists, unfolded and base64-decoded like any LDIF reader. */
function fixtureEntries(): Array<Record<string, string[]>> {
  const unfolded = readFileSync(server.ldifPath, 'utf8').replace(/\r?\n /g, '');

  return unfolded
    .split(/\n\n+/)
    .filter((block) => block.trim() && !block.startsWith('#'))
    .map((block) => {
      const entry: Record<string, string[]> = {};
      for (const line of block.split('\n').filter(Boolean)) {
        const [, name, base64, value] = /^([^:]+):(:?) ?(.*)$/.exec(line) ?? [];
        const text = base64 ? Buffer.from(value, 'base64').toString('utf8') : value;
        (entry[name] ??= []).push(text);
      }

      return entry;
    });
}

const people = fixtureEntries().filter((e) => e.objectClass?.includes('inetOrgPerson'));

describe(testDirectoryServer.name, () => {
  let client: Client;

  beforeAll(async () => {
    await resetDirectory();
  });

  beforeEach(async () => {
    client = new Client({ url: server.url });
    await client.bind(server.bindDn, server.password);
  });

  afterEach(async () => {
    await client.unbind();
  });

  afterAll(async () => {
    // The modify test changed an entry: leave the directory as the fixture describes it.
    await resetDirectory();
  });

  it('rejects a bind with a wrong password', async () => {
    const other = new Client({ url: server.url });

    const failure = await other.bind(server.bindDn, `${server.password}-wrong`).catch((e) => e);
    await other.unbind();

    // 49: invalidCredentials (RFC 4511 4.1.9).
    expect(failure).toMatchObject({ code: 49 });
  });

  it('finds every person of the fixture under the base', async () => {
    const { searchEntries } = await client.search(server.baseDn, {
      scope: 'sub',
      filter: '(objectClass=inetOrgPerson)',
      attributes: ['uid'],
      paged: { pageSize: 100 },
    });

    expect(people.length).toBeGreaterThan(0);
    expect(searchEntries).toHaveLength(people.length);
    expect(searchEntries.map((e) => e.uid).sort()).toEqual(people.map((p) => p.uid[0]).sort());
  });

  it('reads a Chinese name stored as base64 in the LDIF back as the same UTF-8 text', async () => {
    const encoded = /^uid: xujing\n(?:.+\n)*?cn:: (\S+)$/m.exec(
      readFileSync(server.ldifPath, 'utf8').replace(/\r?\n /g, ''),
    );

    const { searchEntries } = await client.search(peopleBase, {
      filter: '(uid=xujing)',
      attributes: ['cn', 'displayName'],
    });

    expect(encoded?.[1]).toBe('5b6Q6Z2Z');
    expect(searchEntries[0]?.cn).toBe('徐静');
    expect(searchEntries[0]?.displayName).toBe('徐静');
  });

  it('finds people by a Chinese name', async () => {
    const withChineseNames = people.filter((p) => /\p{Script=Han}/u.test(p.cn[0]));
    const sample = withChineseNames[withChineseNames.length - 1];

    const { searchEntries } = await client.search(peopleBase, {
      filter: `(cn=${sample.cn[0]})`,
      attributes: ['uid'],
    });

    expect(searchEntries.map((e) => e.uid)).toContain(sample.uid[0]);
  });

  it('keeps entryUUID and modifyTimestamp on every entry', async () => {
    const { searchEntries } = await client.search(peopleBase, {
      filter: '(objectClass=inetOrgPerson)',
      attributes: ['entryUUID', 'modifyTimestamp'],
      paged: { pageSize: 100 },
    });

    expect(searchEntries).toHaveLength(people.length);
    for (const entry of searchEntries) {
      expect(entry.entryUUID).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      );
      expect(entry.modifyTimestamp).toMatch(/^\d{14}Z$/);
    }
    expect(new Set(searchEntries.map((e) => e.entryUUID)).size).toBe(people.length);
  });

  it('shows a newer modifyTimestamp and the same entryUUID after a modify', async () => {
    const dn = `uid=${people[0].uid[0]},${peopleBase}`;
    const read = async () =>
      (await client.search(dn, { scope: 'base', attributes: ['entryUUID', 'modifyTimestamp'] }))
        .searchEntries[0];
    const before = await read();
    // modifyTimestamp has one-second resolution.
    await new Promise((resolve) => setTimeout(resolve, 1100));

    await client.modify(
      dn,
      new Change({
        operation: 'replace',
        modification: new Attribute({ type: 'title', values: ['架构师'] }),
      }),
    );
    const after = await read();

    expect(after.entryUUID).toBe(before.entryUUID);
    expect(String(after.modifyTimestamp) > String(before.modifyTimestamp)).toBe(true);
  });
});

describe(resetDirectory.name, () => {
  it('brings back the fixture after an entry was deleted', async () => {
    const uid = people[1].uid[0];
    const client = new Client({ url: server.url });
    await client.bind(server.bindDn, server.password);
    await client.del(`uid=${uid},${peopleBase}`);
    await client.unbind();

    await resetDirectory();
    const restored = new Client({ url: server.url });
    await restored.bind(server.bindDn, server.password);
    const { searchEntries } = await restored.search(peopleBase, { filter: `(uid=${uid})` });
    await restored.unbind();

    expect(searchEntries).toHaveLength(1);
  });
});
