import { DataSource } from 'typeorm';

import { FilterColumns, filterToSql } from './filter/filter-sql';
import { parseFilter, ScimFilter } from './filter/scim-filter';
import { ScimListQuery } from './scim-context';
import { ifMatchAdmits, ScimResource } from './scim-json';
import { ScimError } from './scim.errors';

/**
 * Where one SCIM resource type lives: `from` names the table with its alias,
 * `scope` is the condition on `$1` (the organisation) that makes a row one of
 * its resources, and `order` is the stable paging order. All are trusted SQL.
 */
export interface ScimTable {
  from: string;
  scope: string;
  order: string;
  /** The row columns selected for a page. */
  select: string;
  /** The attributes a filter may name. */
  columns: FilterColumns;
}

/** One page of a list: the raw rows and how many match the filter in all. */
export async function listRows<Raw>(
  dataSource: DataSource,
  table: ScimTable,
  orgId: string,
  query: ScimListQuery,
): Promise<{ rows: Raw[]; totalResults: number }> {
  const filter = query.filter ? parseFilter(query.filter) : undefined;
  const compiled = filter ? filterToSql(filter, table.columns, 4) : { sql: 'true', parameters: [] };
  const rows: (Raw & { total: string })[] = await dataSource.query(
    `SELECT ${table.select}, count(*) OVER () AS total FROM ${table.from}
      WHERE ${table.scope} AND ${compiled.sql}
      ORDER BY ${table.order} OFFSET $2 LIMIT $3`,
    [orgId, query.startIndex - 1, query.count, ...compiled.parameters],
  );
  // A page past the end (or count 0) has no row to carry the total: count on its own.
  const totalResults =
    rows.length > 0 || (query.startIndex === 1 && query.count > 0)
      ? Number(rows[0]?.total ?? 0)
      : await countRows(dataSource, table, orgId, filter);

  return { rows, totalResults };
}

async function countRows(
  dataSource: DataSource,
  table: ScimTable,
  orgId: string,
  filter: ScimFilter | undefined,
): Promise<number> {
  const compiled = filter ? filterToSql(filter, table.columns, 2) : { sql: 'true', parameters: [] };
  const [row]: { total: string }[] = await dataSource.query(
    `SELECT count(*) AS total FROM ${table.from} WHERE ${table.scope} AND ${compiled.sql}`,
    [orgId, ...compiled.parameters],
  );

  return Number(row.total);
}

/** A write's If-Match must admit the version of the resource as it is now. */
export function refuseStale(ifMatch: string, current: ScimResource): void {
  if (!ifMatchAdmits(ifMatch, (current.meta as { version: string }).version)) {
    throw ScimError.versionMismatch();
  }
}

/** A PUT body may repeat the resource's id but not change it. */
export function refuseIdChange(body: unknown, current: ScimResource): void {
  const bodyId =
    typeof body === 'object' && body !== null ? (body as { id?: unknown }).id : undefined;
  if (bodyId !== undefined && bodyId !== current.id) {
    throw ScimError.mutability('id');
  }
}
