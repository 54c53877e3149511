import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { decodeCursor, encodeCursor, pageLimit } from '@confer/database';
import { Caller, isSystemCaller } from '@confer/grpc';

import { OrganisationError } from '../organisations/organisations.errors';
import { isUuid } from '../persistence/postgres-errors';
import { PeopleSearchService, PersonHit } from '../people-search/people-search.service';
import { DepartmentError } from './departments.errors';

export const DEFAULT_MEMBER_PAGE_SIZE = 50;
export const MAX_MEMBER_PAGE_SIZE = 200;

export interface DepartmentView {
  id: string;
  orgId: string;
  parentId: string | null;
  name: string;
  depth: number;
  /** Active people directly in the department. */
  memberCount: number;
  /** Active people in the department or any department below it, each counted once. */
  totalMemberCount: number;
  hasChildren: boolean;
}

export interface DepartmentDetailView {
  department: DepartmentView;
  children: DepartmentView[];
  /** Root first, ending with the parent. */
  ancestors: DepartmentView[];
}

export interface MemberPage {
  items: PersonHit[];
  nextCursor?: string;
}

interface DepartmentRow {
  id: string;
  org_id: string;
  parent_id: string | null;
  name: string;
  depth: number;
  member_count: number;
  total_member_count: number;
  has_children: boolean;
}

// Counts leave disabled people out, as the member list does. The subtree count finds the
// departments below through departments_path_idx (path @> {id}); children through
// departments_org_parent_name_idx.
const DEPARTMENT_COLUMNS = `
  d.id, d.org_id, d.parent_id, d.name, d.depth,
  (SELECT count(*) FROM user_departments ud JOIN users u ON u.id = ud.user_id
    WHERE ud.department_id = d.id AND u.status = 'active')::int AS member_count,
  (SELECT count(DISTINCT ud.user_id) FROM departments s
    JOIN user_departments ud ON ud.department_id = s.id
    JOIN users u ON u.id = ud.user_id
    WHERE s.path @> ARRAY[d.id] AND u.status = 'active')::int AS total_member_count,
  EXISTS (SELECT 1 FROM departments c WHERE c.org_id = d.org_id AND c.parent_id = d.id)
    AS has_children`;

/**
 * The department tree as synced from the directory, read-only: to members of
 * the organisation and to the platform. A department of another organisation
 * is answered as not found, so ids reveal nothing across organisations.
 */
@Injectable()
export class DepartmentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly people: PeopleSearchService,
  ) {}

  /** The roots, or the children of one department, by name. */
  async list(caller: Caller, orgId: string, parentId?: string): Promise<DepartmentView[]> {
    if (!isUuid(orgId) || (caller.orgId !== orgId && !isSystemCaller(caller))) {
      throw OrganisationError.notFound(orgId);
    }
    if (parentId) {
      const parent = await this.find(caller, parentId);

      return this.query('d.org_id = $1 AND d.parent_id = $2', [orgId, parent.id]);
    }

    return this.query('d.org_id = $1 AND d.parent_id IS NULL', [orgId]);
  }

  async get(caller: Caller, id: string): Promise<DepartmentDetailView> {
    const department = await this.find(caller, id);
    const [children, ancestors] = await Promise.all([
      this.query('d.org_id = $1 AND d.parent_id = $2', [department.orgId, department.id]),
      this.query('d.org_id = $1 AND d.id = ANY($2::uuid[]) AND d.id <> $3', [
        department.orgId,
        (await this.path(department.id)) ?? [],
        department.id,
      ]),
    ]);
    ancestors.sort((a, b) => a.depth - b.depth);

    return { department, children, ancestors };
  }

  /** Active people directly in the department, by display name then id. */
  async members(caller: Caller, id: string, limit?: number, cursor?: string): Promise<MemberPage> {
    const department = await this.find(caller, id);
    const size = pageLimit(limit, DEFAULT_MEMBER_PAGE_SIZE, MAX_MEMBER_PAGE_SIZE);
    const after = cursor ? decodeCursor(cursor, { name: 'string', id: 'uuid' }) : null;
    // user_departments_department_idx finds the members; a department is small enough to sort.
    const rows: { id: string; sort_name: string }[] = await this.dataSource.query(
      `SELECT u.id, lower(u.display_name) AS sort_name
         FROM user_departments ud JOIN users u ON u.id = ud.user_id
        WHERE ud.department_id = $1 AND u.status = 'active'
          AND ($2::text IS NULL OR (lower(u.display_name), u.id) > ($2::text, $3::uuid))
        ORDER BY lower(u.display_name), u.id
        LIMIT $4`,
      [department.id, after?.name ?? null, after?.id ?? null, size + 1],
    );
    const page = rows.slice(0, size);
    const last = page[page.length - 1];

    return {
      items: await this.people.withDepartments(page.map((row) => row.id)),
      nextCursor:
        rows.length > size && last
          ? encodeCursor({ name: last.sort_name, id: last.id })
          : undefined,
    };
  }

  /** One department the caller may see, or department.not_found. */
  private async find(caller: Caller, id: string): Promise<DepartmentView> {
    const [department] = isUuid(id) ? await this.query('d.id = $1', [id]) : [];
    if (!department || (department.orgId !== caller.orgId && !isSystemCaller(caller))) {
      throw DepartmentError.notFound(id);
    }

    return department;
  }

  private async path(id: string): Promise<string[] | undefined> {
    const rows: { path: string[] }[] = await this.dataSource.query(
      'SELECT path FROM departments WHERE id = $1',
      [id],
    );

    return rows[0]?.path;
  }

  private async query(where: string, parameters: unknown[]): Promise<DepartmentView[]> {
    const rows: DepartmentRow[] = await this.dataSource.query(
      `SELECT ${DEPARTMENT_COLUMNS} FROM departments d WHERE ${where} ORDER BY d.name, d.id`,
      parameters,
    );

    return rows.map((row) => ({
      id: row.id,
      orgId: row.org_id,
      parentId: row.parent_id,
      name: row.name,
      depth: row.depth,
      memberCount: row.member_count,
      totalMemberCount: row.total_member_count,
      hasChildren: row.has_children,
    }));
  }
}
