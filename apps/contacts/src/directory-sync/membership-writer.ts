import { EntityManager } from 'typeorm';

import { batches } from './apply-batches';
import { DirectoryEntry, normaliseDn } from './ldap-directory';
import { AttributeMap } from './ldap-settings';
import { PeopleChanges } from './people-writer';
import { SyncReport } from './sync-report';

export interface MembershipInput {
  groups: DirectoryEntry[];
  /** Department ids by source id, as written in this run. */
  departmentIds: Map<string, string>;
  /** Department DNs and names by source id, to find the department a group lists. */
  departments: { sourceId: string; dn: string; name: string }[];
  /** Reconcile every department (a full run): one without a group is left with no members. */
  everyDepartment: boolean;
}

/**
 * Sets each listed department's members to its group's members: a group names
 * its department by DN (the groupDepartment attribute) or, failing that, by a
 * name only one department has. Members that are not synced people (nested
 * groups, service accounts) are skipped. A person whose departments changed
 * and who existed before this run counts as moved.
 */
export async function writeMemberships(
  manager: EntityManager,
  input: MembershipInput,
  people: PeopleChanges,
  attributes: AttributeMap,
  report: SyncReport,
  batchSize: number,
): Promise<void> {
  const byDn = new Map<string, string>();
  const byName = new Map<string, string | null>();
  for (const department of input.departments) {
    const id = input.departmentIds.get(department.sourceId);
    if (!id) {
      continue;
    }
    byDn.set(normaliseDn(department.dn), id);
    byName.set(department.name, byName.has(department.name) ? null : id);
  }
  const userByDn = new Map<string, { id: string; title: string | null }>();
  for (const user of people.users.values()) {
    if (user.sourceDn) {
      userByDn.set(normaliseDn(user.sourceDn), { id: user.id, title: user.title });
    }
  }

  const wanted = new Map<string, Map<string, string | null>>();
  if (input.everyDepartment) {
    for (const id of input.departmentIds.values()) {
      wanted.set(id, new Map());
    }
  }
  for (const group of input.groups) {
    const first = (name: string) => group.values.get(name.toLowerCase())?.[0]?.trim() ?? '';
    const departmentDn = first(attributes.groupDepartment);
    const departmentId =
      byDn.get(normaliseDn(departmentDn)) ?? byName.get(first(attributes.commonName)) ?? undefined;
    if (!departmentId) {
      report.failures.push({
        sourceId: group.sourceId,
        dn: group.dn,
        reason: 'unknown_department',
        detail: 'the group names no department of the tree',
      });
      continue;
    }
    const members = wanted.get(departmentId) ?? new Map<string, string | null>();
    for (const memberDn of group.values.get(attributes.groupMember.toLowerCase()) ?? []) {
      const user = userByDn.get(normaliseDn(memberDn));
      if (user) {
        members.set(user.id, user.title);
      }
    }
    wanted.set(departmentId, members);
  }
  if (wanted.size === 0) {
    return;
  }

  // Served by user_departments_department_idx.
  const current: { department_id: string; user_id: string; title: string | null }[] = [];
  for (const batch of batches([...wanted.keys()], batchSize)) {
    current.push(
      ...(await manager.query(
        'SELECT department_id, user_id, title FROM user_departments WHERE department_id = ANY($1::uuid[])',
        [batch],
      )),
    );
  }
  const have = new Set(current.map((row) => `${row.department_id}/${row.user_id}`));
  const removals = current.filter((row) => !wanted.get(row.department_id)?.has(row.user_id));
  const additions = [...wanted].flatMap(([departmentId, members]) =>
    [...members]
      .filter(([userId]) => !have.has(`${departmentId}/${userId}`))
      .map(([userId, title]) => ({ departmentId, userId, title })),
  );
  for (const batch of batches(removals, batchSize)) {
    await manager.query(
      `DELETE FROM user_departments ud USING unnest($1::uuid[], $2::uuid[]) AS r (user_id, department_id)
       WHERE ud.user_id = r.user_id AND ud.department_id = r.department_id`,
      [batch.map((row) => row.user_id), batch.map((row) => row.department_id)],
    );
  }
  for (const batch of batches(additions, batchSize)) {
    await manager.query(
      `INSERT INTO user_departments (user_id, department_id, title)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[])`,
      [
        batch.map((row) => row.userId),
        batch.map((row) => row.departmentId),
        batch.map((row) => row.title),
      ],
    );
  }
  const moved = new Set(
    [...removals.map((row) => row.user_id), ...additions.map((row) => row.userId)].filter(
      (userId) => !people.created.has(userId),
    ),
  );
  report.moved += moved.size;
}
