import { randomUUID } from 'node:crypto';

import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

import { isUuid, violatedUniqueConstraint } from '../../persistence/postgres-errors';
import { applyPatch } from '../patch/scim-patch';
import { ScimContext, ScimListPage, ScimListQuery, ScimResult, resultOf } from '../scim-context';
import { SCHEMA, ScimResource } from '../scim-json';
import { listRows, refuseIdChange, refuseStale, ScimTable } from '../scim-store';
import { ScimError } from '../scim.errors';
import {
  fromScimGroup,
  MemberRef,
  refuseTooManyNamed,
  ScimGroupFields,
  ScimGroupRow,
  toScimGroup,
} from './scim-group-mapping';
import {
  affected,
  GROUP_COLUMNS,
  membersOf,
  RawGroupRow,
  ROW_COLUMNS,
  toRow,
} from './scim-group-rows';

const PATCH_RULES = { extensions: [SCHEMA.department], readOnly: ['id', 'meta'] };

const DEPARTMENTS: ScimTable = {
  from: 'departments d',
  scope: 'd.org_id = $1',
  order: 'd.created_at, d.id',
  select: ROW_COLUMNS,
  columns: GROUP_COLUMNS,
};

/**
 * SCIM Groups are the organisation's departments: displayName is the name,
 * members are the people directly in it (with their title, as directory sync
 * writes), and Confer's extension attribute `parent` places it in the tree.
 * A department is only deleted when nothing is below it, since the tree would
 * otherwise lose whole branches.
 */
@Injectable()
export class ScimGroupsService {
  private readonly logger = new Logger(ScimGroupsService.name);

  constructor(private readonly dataSource: DataSource) {}

  async create(context: ScimContext, body: unknown): Promise<ScimResult> {
    const fields = fromScimGroup(body);
    const id = randomUUID();
    await this.write(context.orgId, async (manager) => {
      const path = await this.pathUnder(manager, context.orgId, fields.parentId, id);
      await this.refuseTaken(manager, context.orgId, fields, id);
      await manager.query(
        `INSERT INTO departments (id, org_id, parent_id, name, source_id, source_dn, path, depth)
         VALUES ($1, $2, $3, $4, $5, '', $6, $7)`,
        [
          id,
          context.orgId,
          fields.parentId,
          fields.name,
          fields.externalId ?? id,
          path,
          path.length - 1,
        ],
      );
      await this.setMembers(manager, context.orgId, id, fields.memberIds);
    });
    this.logger.log(
      { orgId: context.orgId, departmentId: id, tokenId: context.tokenId },
      'scim group created',
    );

    return this.get(context, id);
  }

  async get(context: ScimContext, id: string): Promise<ScimResult> {
    const row = await this.find(this.dataSource.manager, context.orgId, id, false);

    return resultOf(await this.represent(this.dataSource.manager, row, context.baseUrl, true));
  }

  async list(
    context: ScimContext,
    query: ScimListQuery,
    withMembers: boolean,
  ): Promise<ScimListPage> {
    const page = await listRows<RawGroupRow>(this.dataSource, DEPARTMENTS, context.orgId, query);
    const groups = page.rows.map(toRow);
    const members = withMembers
      ? await membersOf(
          this.dataSource.manager,
          groups.map((group) => group.id),
        )
      : new Map<string, MemberRef[]>();

    return {
      totalResults: page.totalResults,
      resources: groups.map((group) => {
        const resource = toScimGroup(group, members.get(group.id) ?? [], context.baseUrl);
        if (!withMembers) {
          delete resource.members;
        }

        return resource;
      }),
    };
  }

  async replace(
    context: ScimContext,
    id: string,
    body: unknown,
    ifMatch: string,
  ): Promise<ScimResult> {
    return this.change(context, id, ifMatch, (current, row) => {
      refuseIdChange(body, current);

      return fromScimGroup(body, { parentId: row.parentId });
    });
  }

  async patch(
    context: ScimContext,
    id: string,
    body: unknown,
    ifMatch: string,
  ): Promise<ScimResult> {
    refuseTooManyNamed(body);

    // The member limit is on what the request names, not on the department, so one of more
    // than MAX_MEMBERS_PER_REQUEST people can still be renamed or have a member added.
    return this.change(context, id, ifMatch, (current, row) =>
      fromScimGroup(applyPatch(current, body, PATCH_RULES), {
        parentId: row.parentId,
        memberLimit: false,
      }),
    );
  }

  async remove(context: ScimContext, id: string, ifMatch: string): Promise<void> {
    await this.write(context.orgId, async (manager) => {
      const row = await this.find(manager, context.orgId, id, true);
      const current = await this.represent(manager, row, context.baseUrl, true);
      refuseStale(ifMatch, current);
      const [child] = await manager.query(
        'SELECT 1 FROM departments WHERE org_id = $1 AND parent_id = $2 LIMIT 1',
        [context.orgId, row.id],
      );
      if (child) {
        throw ScimError.groupHasChildren(row.id);
      }
      // Memberships go with it (ON DELETE CASCADE).
      await manager.query('DELETE FROM departments WHERE id = $1', [row.id]);
    });
    this.logger.log(
      { orgId: context.orgId, departmentId: id, tokenId: context.tokenId },
      'scim group deleted',
    );
  }

  private async change(
    context: ScimContext,
    id: string,
    ifMatch: string,
    next: (current: ScimResource, row: ScimGroupRow) => ScimGroupFields,
  ): Promise<ScimResult> {
    await this.write(context.orgId, async (manager) => {
      const row = await this.find(manager, context.orgId, id, true);
      const current = await this.represent(manager, row, context.baseUrl, true);
      refuseStale(ifMatch, current);
      const fields = next(current, row);
      await this.refuseTaken(manager, context.orgId, fields, row.id);
      if (fields.parentId !== row.parentId) {
        await this.move(manager, context.orgId, row, fields.parentId);
      }
      await manager.query(
        'UPDATE departments SET name = $2, source_id = $3, updated_at = now() WHERE id = $1',
        [row.id, fields.name, fields.externalId ?? row.id],
      );
      await this.setMembers(manager, context.orgId, row.id, fields.memberIds);
    });

    return this.get(context, id);
  }

  /** Moves a department and everything below it under a new parent (or to the root). */
  private async move(
    manager: EntityManager,
    orgId: string,
    row: ScimGroupRow,
    parentId: string | null,
  ): Promise<void> {
    const path = await this.pathUnder(manager, orgId, parentId, row.id);
    // Each row of the subtree keeps the part of its path below the moved department.
    // Served by departments_path_idx (path @> ARRAY[id]).
    await manager.query(
      `UPDATE departments
          SET path = $2::uuid[] || path[($3::int + 1):],
              depth = cardinality($2::uuid[]) + cardinality(path) - $3::int - 1,
              parent_id = CASE WHEN id = $1 THEN $4::uuid ELSE parent_id END,
              updated_at = now()
        WHERE org_id = $5 AND path @> ARRAY[$1::uuid]`,
      [row.id, path, row.path.length, parentId, orgId],
    );
  }

  /** The path of a department placed under `parentId`; a parent below itself is refused. */
  private async pathUnder(
    manager: EntityManager,
    orgId: string,
    parentId: string | null,
    id: string,
  ): Promise<string[]> {
    if (!parentId) {
      return [id];
    }
    const [parent]: { path: string[] }[] = await manager.query(
      'SELECT path FROM departments WHERE id = $1 AND org_id = $2',
      [parentId, orgId],
    );
    if (!parent) {
      throw ScimError.invalidValue(`The parent Group ${parentId} does not exist.`);
    }
    if (parent.path.includes(id)) {
      throw ScimError.invalidValue('A Group cannot be placed under itself or a Group below it.');
    }

    return [...parent.path, id];
  }

  /** Makes the department's direct members exactly these people, keeping untouched rows. */
  private async setMembers(
    manager: EntityManager,
    orgId: string,
    departmentId: string,
    memberIds: string[],
  ): Promise<void> {
    const known: { id: string }[] = memberIds.length
      ? await manager.query(
          `SELECT id FROM users
            WHERE id = ANY($1::uuid[]) AND org_id = $2 AND scim_deleted_at IS NULL`,
          [memberIds, orgId],
        )
      : [];
    if (known.length !== memberIds.length) {
      const found = new Set(known.map((row) => row.id));
      const unknown = memberIds.find((memberId) => !found.has(memberId));
      throw ScimError.invalidValue(`Member ${unknown} is not a User of this organisation.`);
    }
    const removed = await manager.query(
      `DELETE FROM user_departments
        WHERE department_id = $1 AND NOT (user_id = ANY($2::uuid[]))
          AND user_id IN (SELECT id FROM users WHERE scim_deleted_at IS NULL)`,
      [departmentId, memberIds],
    );
    // The title a person holds in the department is their own, as directory sync sets it.
    const added = await manager.query(
      `INSERT INTO user_departments (user_id, department_id, title)
       SELECT u.id, $1, u.title FROM users u WHERE u.id = ANY($2::uuid[])
       ON CONFLICT (user_id, department_id) DO NOTHING RETURNING user_id`,
      [departmentId, memberIds],
    );
    if (affected(removed) + affected(added) > 0) {
      await manager.query('UPDATE departments SET updated_at = now() WHERE id = $1', [
        departmentId,
      ]);
    }
  }

  private async refuseTaken(
    manager: EntityManager,
    orgId: string,
    fields: ScimGroupFields,
    self: string,
  ): Promise<void> {
    if (!fields.externalId) {
      return;
    }
    // Served by departments_org_source_key.
    const [holder] = await manager.query(
      'SELECT id FROM departments WHERE org_id = $1 AND source_id = $2 AND id <> $3',
      [orgId, fields.externalId, self],
    );
    if (holder) {
      throw ScimError.uniqueness(`The externalId "${fields.externalId}" is already in use.`);
    }
  }

  /**
   * Runs a Group write in one transaction, after every other SCIM Group write of
   * the organisation. A move checks the new parent's path for cycles and locks
   * the parent's row (its foreign key) while the parent may be moving too: two
   * groups moved under each other at once would otherwise deadlock, or with
   * weaker row locks both pass the check and make a cycle.
   */
  private async write(
    orgId: string,
    work: (manager: EntityManager) => Promise<void>,
  ): Promise<void> {
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`scim_groups:${orgId}`]);
        await work(manager);
      });
    } catch (error) {
      if (violatedUniqueConstraint(error) === 'departments_org_source_key') {
        throw ScimError.uniqueness('The externalId is already in use.');
      }
      throw error;
    }
  }

  private async find(
    manager: EntityManager,
    orgId: string,
    id: string,
    forUpdate: boolean,
  ): Promise<ScimGroupRow> {
    const rows: RawGroupRow[] = isUuid(id)
      ? await manager.query(
          `SELECT ${ROW_COLUMNS} FROM departments d WHERE d.id = $1 AND d.org_id = $2${
            forUpdate ? ' FOR UPDATE' : ''
          }`,
          [id, orgId],
        )
      : [];
    if (!rows[0]) {
      throw ScimError.notFound('Group', id);
    }

    return toRow(rows[0]);
  }

  private async represent(
    manager: EntityManager,
    row: ScimGroupRow,
    baseUrl: string,
    withMembers: boolean,
  ): Promise<ScimResource> {
    const members = withMembers ? await membersOf(manager, [row.id]) : new Map();

    return toScimGroup(row, members.get(row.id) ?? [], baseUrl);
  }
}
