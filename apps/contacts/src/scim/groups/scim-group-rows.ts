import { EntityManager } from 'typeorm';

import { FilterColumn, FilterColumns } from '../filter/filter-sql';
import { MemberRef, ScimGroupRow } from './scim-group-mapping';

// The SQL of SCIM Groups over `departments d`, with bound parameters only; the rules that
// decide what to write are in ScimGroupsService.

// Attributes a Group filter may name, as SQL over `departments d`.
export const GROUP_COLUMNS: FilterColumns = {
  id: { expression: 'd.id::text', type: 'string', caseExact: true },
  displayname: { expression: 'd.name', type: 'string', caseExact: false },
  externalid: { expression: 'NULLIF(d.source_id, d.id::text)', type: 'string', caseExact: true },
  members: membersColumn(),
  'members.value': membersColumn(),
  'meta.created': { expression: 'd.created_at', type: 'datetime', caseExact: true },
  'meta.lastmodified': { expression: 'd.updated_at', type: 'datetime', caseExact: true },
};

export const ROW_COLUMNS =
  'd.id, d.org_id, d.parent_id, d.name, d.source_id, d.path, d.created_at, d.updated_at';

/** The people directly in each department, in creation order; SCIM-deleted people left out. */
export async function membersOf(
  manager: EntityManager,
  ids: string[],
): Promise<Map<string, MemberRef[]>> {
  const members = new Map<string, MemberRef[]>();
  if (ids.length === 0) {
    return members;
  }
  // Served by user_departments_department_idx.
  const rows: { department_id: string; id: string; display_name: string }[] = await manager.query(
    `SELECT ud.department_id, u.id, u.display_name FROM user_departments ud
       JOIN users u ON u.id = ud.user_id
      WHERE ud.department_id = ANY($1::uuid[]) AND u.scim_deleted_at IS NULL
      ORDER BY u.created_at, u.id`,
    [ids],
  );
  for (const row of rows) {
    members.set(row.department_id, [
      ...(members.get(row.department_id) ?? []),
      { id: row.id, displayName: row.display_name },
    ]);
  }

  return members;
}

export interface RawGroupRow {
  id: string;
  org_id: string;
  parent_id: string | null;
  name: string;
  source_id: string;
  path: string[];
  created_at: Date;
  updated_at: Date;
}

export function toRow(raw: RawGroupRow): ScimGroupRow {
  return {
    id: raw.id,
    orgId: raw.org_id,
    parentId: raw.parent_id,
    name: raw.name,
    sourceId: raw.source_id,
    path: raw.path,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
  };
}

function membersColumn(): FilterColumn {
  return {
    expression: '',
    type: 'string',
    caseExact: false,
    // Served by user_departments_department_idx.
    exists: (condition: string) =>
      `EXISTS (SELECT 1 FROM user_departments ud, LATERAL (SELECT ud.user_id::text AS x) AS v
                WHERE ud.department_id = d.id AND ${condition})`,
  };
}

/**
 * Rows a statement through manager.query touched: TypeORM answers [rows, count] for DELETE
 * and UPDATE, and the returned rows for INSERT ... RETURNING.
 */
export function affected(result: unknown): number {
  if (!Array.isArray(result)) {
    return 0;
  }

  return typeof result[1] === 'number' && Array.isArray(result[0]) ? result[1] : result.length;
}
