import { readFileSync } from 'node:fs';

import { AlreadyExistsError, Attribute, Client, NoSuchObjectError } from 'ldapts';

/** A directory server the stack writes to: the local test slapd unless told otherwise. */
export interface DirectoryAccess {
  url: string;
  bindDn: string;
  password: string;
  /** The server's suffix; every stack's subtree hangs directly below it. */
  baseDn: string;
}

/**
 * The local OpenLDAP of `scripts/servers/slapd.sh` (docs/servers.md), as
 * `libs/testing/fixtures/directory-server.json` describes it: a test server
 * on loopback with a published password.
 */
export const LOCAL_DIRECTORY: DirectoryAccess = {
  url: 'ldap://127.0.0.1:10389',
  bindDn: 'cn=admin,dc=example,dc=cn',
  password: 'confer-directory-admin',
  baseDn: 'dc=example,dc=cn',
};

/** One LDIF entry: its DN and its attributes by name, values decoded, in file order. */
export interface LdifEntry {
  dn: string;
  attributes: Map<string, string[]>;
}

/** Parses LDIF content records: folded lines, base64 (`::`) values, comments. */
export function parseLdif(text: string): LdifEntry[] {
  const unfolded = text.replace(/\r?\n /g, '');
  const entries: LdifEntry[] = [];
  for (const block of unfolded.split(/\r?\n(?:\r?\n)+/)) {
    const attributes = new Map<string, string[]>();
    let dn = '';
    for (const line of block.split(/\r?\n/).filter((text) => text && !text.startsWith('#'))) {
      const match = /^([^:]+)(::?) ?(.*)$/.exec(line);
      if (!match) {
        continue;
      }
      const [, name, separator, raw] = match;
      const value = separator === '::' ? Buffer.from(raw, 'base64').toString('utf8') : raw;
      if (name.toLowerCase() === 'dn') {
        dn = value;
      } else {
        attributes.set(name, [...(attributes.get(name) ?? []), value]);
      }
    }
    if (dn) {
      entries.push({ dn, attributes });
    }
  }

  return entries;
}

export function readLdif(path: string): LdifEntry[] {
  return parseLdif(readFileSync(path, 'utf8'));
}

/**
 * Moves entries from one suffix to another (`dc=example,dc=cn` to
 * `ou=run1,dc=example,dc=cn`): their DNs and every value that is a DN below
 * the old suffix (members, a group's department). The old suffix's own entry
 * is left out; the new one is an organizationalUnit made by `subtreeRoot`.
 */
export function rebase(entries: LdifEntry[], from: string, to: string): LdifEntry[] {
  const tail = `,${from.toLowerCase()}`;
  const move = (value: string) =>
    value.toLowerCase().endsWith(tail) ? `${value.slice(0, -tail.length)},${to}` : value;

  return entries
    .filter((entry) => entry.dn.toLowerCase() !== from.toLowerCase())
    .map((entry) => ({
      dn: move(entry.dn),
      attributes: new Map([...entry.attributes].map(([name, values]) => [name, values.map(move)])),
    }));
}

/** The organizationalUnit a subtree hangs from (`ou=<name>,<baseDn>`). */
export function subtreeRoot(name: string, baseDn: string): LdifEntry {
  return {
    dn: `ou=${name},${baseDn}`,
    attributes: new Map([
      ['objectClass', ['organizationalUnit']],
      ['ou', [name]],
    ]),
  };
}

/**
 * Adds the entries in order (parents before children, as LDIF lists them),
 * skipping those that exist already, so loading twice changes nothing.
 * Returns how many were added.
 */
export async function loadEntries(access: DirectoryAccess, entries: LdifEntry[]): Promise<number> {
  return withDirectory(access, async (client) => {
    let added = 0;
    for (const entry of entries) {
      try {
        await client.add(
          entry.dn,
          [...entry.attributes].map(([type, values]) => new Attribute({ type, values })),
        );
        added += 1;
      } catch (error) {
        if (!(error instanceof AlreadyExistsError)) {
          throw error;
        }
      }
    }

    return added;
  });
}

/** Deletes an entry and everything below it; nothing when it does not exist. */
export async function removeSubtree(access: DirectoryAccess, dn: string): Promise<number> {
  return withDirectory(access, async (client) => {
    let searchEntries: { dn: string }[];
    try {
      ({ searchEntries } = await client.search(dn, {
        scope: 'sub',
        attributes: ['1.1'],
        paged: { pageSize: 1000 },
      }));
    } catch (error) {
      if (error instanceof NoSuchObjectError) {
        return 0;
      }
      throw error;
    }
    // Children before parents: a DN with more components is deeper.
    const depth = (value: string) => value.split(/(?<!\\),/).length;
    const ordered = searchEntries.map((entry) => entry.dn).sort((a, b) => depth(b) - depth(a));
    for (const entryDn of ordered) {
      await client.del(entryDn);
    }

    return ordered.length;
  });
}

async function withDirectory<T>(
  access: DirectoryAccess,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ url: access.url, timeout: 60_000, connectTimeout: 5_000 });
  try {
    await client.bind(access.bindDn, access.password);

    return await work(client);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}
