import { readFileSync } from 'node:fs';

import { contacts } from '@confer/proto';
import { Caller } from '@confer/grpc';

import { RunningContacts } from './start-contacts';

/** One LDIF entry: its DN and its attributes by name, values decoded. */
export interface LdifEntry {
  dn: string;
  attributes: Map<string, string[]>;
}

/** Parses slapcat-style LDIF: folded lines, base64 (`::`) values. */
export function readLdif(path: string): LdifEntry[] {
  const unfolded = readFileSync(path, 'utf8').replace(/\r?\n /g, '');
  const entries: LdifEntry[] = [];
  for (const block of unfolded.split(/\r?\n\r?\n/)) {
    const attributes = new Map<string, string[]>();
    let dn = '';
    for (const line of block.split(/\r?\n/).filter((text) => text && !text.startsWith('#'))) {
      const match = /^([^:]+)(::?) ?(.*)$/.exec(line);
      if (!match) {
        continue;
      }
      const [, name, separator, raw] = match;
      const value = separator === '::' ? Buffer.from(raw, 'base64').toString('utf8') : raw;
      if (name === 'dn') {
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

/** What the fixture holds, counted from the LDIF itself. */
export interface FixtureDirectory {
  people: LdifEntry[];
  /** Organisational units below the departments base, the base excluded. */
  departments: LdifEntry[];
  groups: LdifEntry[];
  /** uid by primary address. */
  uidByEmail: Map<string, string>;
}

export function fixtureDirectory(ldifPath: string, departmentsBase: string): FixtureDirectory {
  const entries = readLdif(ldifPath);
  const has = (entry: LdifEntry, objectClass: string) =>
    entry.attributes.get('objectClass')?.includes(objectClass) ?? false;
  const people = entries.filter((entry) => has(entry, 'inetOrgPerson'));

  return {
    people,
    departments: entries.filter(
      (entry) => has(entry, 'organizationalUnit') && entry.dn.endsWith(`,${departmentsBase}`),
    ),
    groups: entries.filter((entry) => has(entry, 'groupOfNames')),
    uidByEmail: new Map(
      people.map((person) => [
        (person.attributes.get('mail')?.[0] ?? '').toLowerCase(),
        person.attributes.get('uid')?.[0] ?? '',
      ]),
    ),
  };
}

/** Starts a sync and waits for it to end. */
export async function syncToEnd(
  app: RunningContacts,
  caller: Caller,
  full: boolean,
): Promise<contacts.DirectorySyncRun> {
  const started = await app.client.startDirectorySync(caller, { orgId: caller.orgId, full });
  for (let attempt = 0; attempt < 600; attempt += 1) {
    const run = await app.client.getDirectorySyncRun(caller, { id: started.id });
    if (run.status !== 'running') {
      return run;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`sync run ${started.id} did not end within a minute`);
}
