import { randomUUID } from 'node:crypto';

import { EntityManager, In } from 'typeorm';

import { Department } from '../departments/department.entity';
import { DepartmentNode } from './directory-records';
import { SyncReport } from './sync-report';

/** Department ids by the entry's source id, and by DN and name for resolving groups. */
export interface DepartmentIndex {
  bySourceId: Map<string, string>;
  byDn: Map<string, string>;
}

/**
 * Brings the organisation's departments in line with the directory's tree:
 * creates, renames and moves (path and depth follow), and removes departments
 * the directory no longer has. Entries that failed to map are left as they
 * were rather than removed, so a typo in the directory does not dissolve a
 * department.
 */
export async function writeDepartments(
  manager: EntityManager,
  orgId: string,
  nodes: DepartmentNode[],
  failedSourceIds: Set<string>,
  report: SyncReport,
): Promise<Map<string, string>> {
  const existing = await manager.find(Department, { where: { orgId } });
  const current = new Map(existing.map((department) => [department.sourceId, department]));
  const ids = new Map<string, string>();

  // Parents come before children, so a parent's id is known when a child is written.
  for (const node of nodes) {
    const row = current.get(node.sourceId);
    const id = row?.id ?? randomUUID();
    ids.set(node.sourceId, id);
    const wanted = {
      name: node.name,
      parentId: node.parentSourceId ? (ids.get(node.parentSourceId) ?? null) : null,
      sourceDn: node.dn,
      path: node.path.map((sourceId) => ids.get(sourceId) as string),
      depth: node.path.length - 1,
    };
    if (!row) {
      await manager.insert(Department, { id, orgId, sourceId: node.sourceId, ...wanted });
      report.departmentsCreated += 1;
    } else if (
      row.name !== wanted.name ||
      row.parentId !== wanted.parentId ||
      row.sourceDn !== wanted.sourceDn ||
      row.path.join() !== wanted.path.join()
    ) {
      await manager.update(Department, { id }, wanted);
      report.departmentsUpdated += 1;
    }
  }
  for (const row of existing) {
    if (!ids.has(row.sourceId) && failedSourceIds.has(row.sourceId)) {
      ids.set(row.sourceId, row.id);
    }
  }
  const removed = existing.filter((row) => !ids.has(row.sourceId)).map((row) => row.id);
  if (removed.length > 0) {
    // Memberships go with them (ON DELETE CASCADE).
    await manager.delete(Department, { id: In(removed) });
    report.departmentsRemoved += removed.length;
  }

  return ids;
}
