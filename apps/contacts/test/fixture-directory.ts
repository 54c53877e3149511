import { contacts } from '@confer/proto';
import { Caller } from '@confer/grpc';
import { LdifEntry, readLdif } from '@confer/stack';

import { RunningContacts } from './start-contacts';

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
