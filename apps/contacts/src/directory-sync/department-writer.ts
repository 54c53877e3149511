import { randomUUID } from 'node:crypto';

import { EntityManager, In } from 'typeorm';

import { Department } from '../departments/department.entity';
import { batches } from './apply-batches';
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
  batchSize: number,
): Promise<Map<string, string>> {
  const existing = await manager.find(Department, { where: { orgId } });
  const current = new Map(existing.map((department) => [department.sourceId, department]));
  const ids = new Map<string, string>();
  const inserts: DepartmentRow[] = [];
  const updates: DepartmentRow[] = [];

  // Parents come before children, so a parent's id is known when a child is placed.
  for (const node of nodes) {
    const row = current.get(node.sourceId);
    const id = row?.id ?? randomUUID();
    ids.set(node.sourceId, id);
    const wanted: DepartmentRow = {
      id,
      sourceId: node.sourceId,
      name: node.name,
      parentId: node.parentSourceId ? (ids.get(node.parentSourceId) ?? null) : null,
      sourceDn: node.dn,
      path: node.path.map((sourceId) => ids.get(sourceId) as string),
      depth: node.path.length - 1,
    };
    if (!row) {
      inserts.push(wanted);
      report.departmentsCreated += 1;
    } else if (
      row.name !== wanted.name ||
      row.parentId !== wanted.parentId ||
      row.sourceDn !== wanted.sourceDn ||
      row.path.join() !== wanted.path.join()
    ) {
      updates.push(wanted);
      report.departmentsUpdated += 1;
    }
  }
  // In tree order, so a batch's parents are written in it or before it (parent_id is a
  // foreign key, checked at the end of each statement).
  for (const batch of batches(inserts, batchSize)) {
    await manager.query(
      `INSERT INTO departments (id, org_id, source_id, name, parent_id, source_dn, path, depth)
       SELECT v.id, $8::uuid, v.source_id, v.name, v.parent_id, v.source_dn,
              ARRAY(SELECT jsonb_array_elements_text(v.path::jsonb))::uuid[], v.depth
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::int[])
         AS v (id, source_id, name, parent_id, source_dn, path, depth)`,
      [...departmentColumns(batch), orgId],
    );
  }
  for (const batch of batches(updates, batchSize)) {
    await manager.query(
      `UPDATE departments SET name = v.name, parent_id = v.parent_id, source_dn = v.source_dn,
              path = ARRAY(SELECT jsonb_array_elements_text(v.path::jsonb))::uuid[],
              depth = v.depth, updated_at = now()
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::int[])
         AS v (id, source_id, name, parent_id, source_dn, path, depth)
       WHERE departments.id = v.id`,
      departmentColumns(batch),
    );
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

interface DepartmentRow {
  id: string;
  sourceId: string;
  name: string;
  parentId: string | null;
  sourceDn: string;
  path: string[];
  depth: number;
}

/** One array per column; each path as a JSON array (unnest would flatten arrays of arrays). */
function departmentColumns(rows: DepartmentRow[]): unknown[][] {
  return [
    rows.map((row) => row.id),
    rows.map((row) => row.sourceId),
    rows.map((row) => row.name),
    rows.map((row) => row.parentId),
    rows.map((row) => row.sourceDn),
    rows.map((row) => JSON.stringify(row.path)),
    rows.map((row) => row.depth),
  ];
}
