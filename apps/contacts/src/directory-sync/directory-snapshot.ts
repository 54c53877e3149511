import {
  buildDepartmentTree,
  DepartmentNode,
  PersonRecord,
  toPersonRecord,
} from './directory-records';
import { DirectoryEntry, EntryRef, LdapDirectory } from './ldap-directory';
import { LdapSettings } from './ldap-settings';
import { SyncFailure } from './sync-report';

/** Everything a run applies, read from the directory before anything is written. */
export interface DirectorySnapshot {
  /** The high-water mark read from; undefined for a full run. */
  since?: string;
  /** The whole tree, every run: departments are few, and a full list shows removals. */
  departments: DepartmentNode[];
  /** Department entries that failed to map: their rows are left alone. */
  failedDepartments: Set<string>;
  /** Every person (full run) or those changed since the mark, mapped. */
  people: PersonRecord[];
  /** Every person entry's identity and DN, valid or not: who still exists. */
  peopleRefs: EntryRef[];
  /** Every group (full run) or those changed since the mark. */
  groups: DirectoryEntry[];
  failures: SyncFailure[];
  /** Member DNs of the administrators' group; undefined when none is configured. */
  administrators?: string[];
  /** The newest modifyTimestamp seen, or the previous mark when nothing changed. */
  highWaterMark?: string;
}

/**
 * Reads a snapshot: the department tree, then groups and people (all, or
 * changed since the mark), then, for an incremental run, the cheap list of
 * every person's entryUUID that reveals deletions.
 */
export async function readDirectory(
  settings: LdapSettings,
  orgDomain: string,
  since: string | undefined,
): Promise<DirectorySnapshot> {
  const directory = await LdapDirectory.open(settings);
  try {
    // One after another: slapd runs one paged search per connection at a time.
    const departmentEntries = await directory.departments();
    const groups = await directory.groups(since);
    // Mapped as read: only the record (or why it failed), the identity and the change time stay.
    const peopleRead = await directory.people(since, (entry) => ({
      ref: { sourceId: entry.sourceId, dn: entry.dn },
      modifiedAt: entry.modifiedAt,
      mapped: toPersonRecord(entry, settings.attributes, orgDomain, settings.disabledValues),
    }));
    const allRefs = since ? await directory.peopleRefs() : undefined;
    const administrators = settings.adminGroupDn ? await directory.administrators() : undefined;
    const peopleRefs = allRefs ?? peopleRead.map(({ ref }) => ref);

    const tree = buildDepartmentTree(
      departmentEntries,
      settings.departments.baseDn,
      settings.attributes.departmentName,
    );
    const failures = [...tree.failures];
    const people: PersonRecord[] = [];
    // A stable order, so that of two entries with one address the same one always wins.
    for (const { mapped } of [...peopleRead].sort((a, b) => compare(a.ref.dn, b.ref.dn))) {
      if ('record' in mapped) {
        people.push(mapped.record);
      } else {
        failures.push(mapped.failure);
      }
    }
    const marks = [...departmentEntries, ...groups, ...peopleRead]
      .map((entry) => entry.modifiedAt)
      .concat(since ?? [])
      .filter(Boolean)
      .sort();

    return {
      since,
      departments: tree.nodes,
      failedDepartments: new Set(tree.failures.map((failure) => failure.sourceId)),
      people,
      peopleRefs,
      groups,
      failures,
      administrators,
      highWaterMark: marks[marks.length - 1],
    };
  } finally {
    await directory.close();
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
