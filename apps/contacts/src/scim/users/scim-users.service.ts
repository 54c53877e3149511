import { randomUUID } from 'node:crypto';

import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

import { OutboxEvent, OutboxPublisher, writeOutbox } from '@confer/events';

import { writeSearchKeys } from '../../people-search/search-key-writer';
import { isUuid, violatedUniqueConstraint } from '../../persistence/postgres-errors';
import { User } from '../../users/user.entity';
import { FilterColumns, filterToSql } from '../filter/filter-sql';
import { parseFilter, ScimFilter } from '../filter/scim-filter';
import { applyPatch } from '../patch/scim-patch';
import { ScimContext, ScimListPage, ScimListQuery, ScimResult, resultOf } from '../scim-context';
import { ifMatchAdmits, SCHEMA } from '../scim-json';
import { ScimError } from '../scim.errors';
import {
  fromScimUser,
  GroupRef,
  ScimUserFields,
  ScimUserRow,
  toScimUser,
} from './scim-user-mapping';

/** Why a person was disabled, in the user.disabled event (beside the directory sync's reasons). */
export const DISABLED_BY_SCIM = 'disabled_by_scim';
export const DELETED_BY_SCIM = 'deleted_by_scim';

// Attributes a filter may name, as SQL over `users u`. RFC 7643 makes userName, e-mail
// addresses, names and titles caseExact false; externalId and id are caseExact.
const USER_COLUMNS: FilterColumns = {
  id: { expression: 'u.id::text', type: 'string', caseExact: true },
  username: { expression: 'coalesce(u.user_name, u.email)', type: 'string', caseExact: false },
  displayname: { expression: 'u.display_name', type: 'string', caseExact: false },
  externalid: { expression: 'u.source_id', type: 'string', caseExact: true },
  emails: {
    expression: 'array_prepend(u.email, u.secondary_emails)',
    type: 'string',
    caseExact: false,
    many: true,
  },
  'emails.value': {
    expression: 'array_prepend(u.email, u.secondary_emails)',
    type: 'string',
    caseExact: false,
    many: true,
  },
  'name.familyname': { expression: 'u.surname', type: 'string', caseExact: false },
  'name.givenname': { expression: 'u.given_name', type: 'string', caseExact: false },
  title: { expression: 'u.title', type: 'string', caseExact: false },
  active: { expression: "(u.status = 'active')", type: 'boolean', caseExact: true },
  'meta.created': { expression: 'u.created_at', type: 'datetime', caseExact: true },
  'meta.lastmodified': { expression: 'u.updated_at', type: 'datetime', caseExact: true },
  [`${SCHEMA.enterpriseUser.toLowerCase()}:employeenumber`]: {
    expression: 'u.employee_number',
    type: 'string',
    caseExact: false,
  },
};

const ROW_COLUMNS = `u.id, u.org_id, u.email, u.secondary_emails, u.email_types, u.user_name,
  u.display_name, u.surname, u.given_name, u.title, u.desk_phone, u.mobile, u.employee_number,
  u.department_label, u.source_id, u.status, u.created_at, u.updated_at`;

const PATCH_RULES = { extensions: [SCHEMA.enterpriseUser], readOnly: ['id', 'meta', 'groups'] };

/**
 * SCIM Users are the organisation's people. Writes go through the same tables,
 * search keys and events as directory sync: a person created here publishes
 * user.created, and one disabled or deleted here publishes user.disabled, which
 * ends their sessions. DELETE disables rather than removes, so past messages
 * keep their author's name; the person is then gone for SCIM (404) until a
 * client creates them again with the same address, which revives the same id.
 */
@Injectable()
export class ScimUsersService {
  private readonly logger = new Logger(ScimUsersService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxPublisher,
  ) {}

  async create(context: ScimContext, body: unknown): Promise<ScimResult> {
    const fields = fromScimUser(body, context.domain);
    const id = await this.write(context, async (manager) => {
      const revived = await this.holderToRevive(manager, context.orgId, fields);
      const userId = revived ?? randomUUID();
      if (revived) {
        await this.update(manager, userId, fields);
      } else {
        await this.insert(manager, context.orgId, userId, fields);
      }

      return {
        id: userId,
        events: [
          ...(revived ? [] : [this.event('user.created', context.orgId, userId, fields.email)]),
        ],
      };
    });
    this.logger.log(
      { orgId: context.orgId, userId: id, tokenId: context.tokenId },
      'scim user created',
    );

    return this.get(context, id);
  }

  async get(context: ScimContext, id: string): Promise<ScimResult> {
    const row = await this.find(this.dataSource.manager, context.orgId, id, false);

    return resultOf(await this.represent(this.dataSource.manager, row, context.baseUrl));
  }

  async list(context: ScimContext, query: ScimListQuery): Promise<ScimListPage> {
    const filter = query.filter ? parseFilter(query.filter) : undefined;
    const compiled = filter
      ? filterToSql(filter, USER_COLUMNS, 4)
      : { sql: 'true', parameters: [] };
    // users_org_created_idx: one organisation's people in creation order, then by id.
    const rows: (RawUserRow & { total: string })[] = await this.dataSource.query(
      `SELECT ${ROW_COLUMNS}, count(*) OVER () AS total FROM users u
        WHERE u.org_id = $1 AND u.scim_deleted_at IS NULL AND ${compiled.sql}
        ORDER BY u.created_at, u.id OFFSET $2 LIMIT $3`,
      [context.orgId, query.startIndex - 1, query.count, ...compiled.parameters],
    );
    // A page past the end (or count 0) has no row to carry the total: count on its own.
    const totalResults =
      rows.length > 0 || (query.startIndex === 1 && query.count > 0)
        ? Number(rows[0]?.total ?? 0)
        : await this.count(context.orgId, filter);
    const users = rows.map(toRow);
    const groups = await this.groupsOf(
      this.dataSource.manager,
      users.map((user) => user.id),
    );

    return {
      totalResults,
      resources: users.map((user) => toScimUser(user, groups.get(user.id) ?? [], context.baseUrl)),
    };
  }

  async replace(
    context: ScimContext,
    id: string,
    body: unknown,
    ifMatch: string,
  ): Promise<ScimResult> {
    return this.change(context, id, ifMatch, (current) => {
      const bodyId =
        typeof body === 'object' && body !== null ? (body as { id?: unknown }).id : undefined;
      if (bodyId !== undefined && bodyId !== current.id) {
        throw ScimError.mutability('id');
      }

      return fromScimUser(body, context.domain);
    });
  }

  async patch(
    context: ScimContext,
    id: string,
    body: unknown,
    ifMatch: string,
  ): Promise<ScimResult> {
    return this.change(context, id, ifMatch, (current) =>
      fromScimUser(applyPatch(current, body, PATCH_RULES), context.domain),
    );
  }

  /** Disables the person and hides them from SCIM; their id and history stay. */
  async remove(context: ScimContext, id: string, ifMatch: string): Promise<void> {
    await this.write(context, async (manager) => {
      const row = await this.find(manager, context.orgId, id, true);
      const current = await this.represent(manager, row, context.baseUrl);
      if (!ifMatchAdmits(ifMatch, (current.meta as { version: string }).version)) {
        throw ScimError.versionMismatch();
      }
      await manager.query(
        `UPDATE users SET status = 'disabled', scim_deleted_at = now(), updated_at = now()
          WHERE id = $1`,
        [row.id],
      );

      return {
        id: row.id,
        events:
          row.status === 'active'
            ? [this.event('user.disabled', context.orgId, row.id, row.email, DELETED_BY_SCIM)]
            : [],
      };
    });
    this.logger.log(
      { orgId: context.orgId, userId: id, tokenId: context.tokenId },
      'scim user deleted',
    );
  }

  /** PUT and PATCH: the new fields from the current representation, written if If-Match admits it. */
  private async change(
    context: ScimContext,
    id: string,
    ifMatch: string,
    next: (current: Record<string, unknown>) => ScimUserFields,
  ): Promise<ScimResult> {
    await this.write(context, async (manager) => {
      const row = await this.find(manager, context.orgId, id, true);
      const current = await this.represent(manager, row, context.baseUrl);
      if (!ifMatchAdmits(ifMatch, (current.meta as { version: string }).version)) {
        throw ScimError.versionMismatch();
      }
      const fields = next(current);
      await this.refuseTaken(manager, context.orgId, fields, row.id);
      await this.update(manager, row.id, fields);
      if (row.title !== fields.title) {
        // A person's title in their departments follows their title, as in directory sync.
        await manager.query('UPDATE user_departments SET title = $2 WHERE user_id = $1', [
          row.id,
          fields.title,
        ]);
      }
      const disabled = row.status === 'active' && fields.status === 'disabled';

      return {
        id: row.id,
        events: disabled
          ? [this.event('user.disabled', context.orgId, row.id, fields.email, DISABLED_BY_SCIM)]
          : [],
      };
    });

    return this.get(context, id);
  }

  /**
   * Runs a write in one transaction with its search keys and events; a unique
   * index another request won the race to is answered as uniqueness.
   */
  private async write(
    context: ScimContext,
    work: (manager: EntityManager) => Promise<{ id: string; events: OutboxEvent[] }>,
  ): Promise<string> {
    let id: string;
    try {
      id = await this.dataSource.transaction(async (manager) => {
        const done = await work(manager);
        const [row] = await this.rows(manager, 'u.id = $1', [done.id]);
        await writeSearchKeys(manager, [row as unknown as User]);
        await writeOutbox(manager, done.events);

        return done.id;
      });
    } catch (error) {
      const constraint = violatedUniqueConstraint(error);
      if (constraint) {
        throw ScimError.uniqueness(UNIQUE_MESSAGES[constraint] ?? 'The user is not unique.');
      }
      throw error;
    }
    this.outbox.notify();

    return id;
  }

  /** A person SCIM deleted whose address, userName or externalId the new one has: revived in place. */
  private async holderToRevive(
    manager: EntityManager,
    orgId: string,
    fields: ScimUserFields,
  ): Promise<string | undefined> {
    const holders = await this.holders(manager, orgId, fields, undefined);
    const live = holders.find((holder) => !holder.deleted || holder.org_id !== orgId);
    if (live) {
      throw ScimError.uniqueness(takenMessage(live, fields));
    }
    const ids = [...new Set(holders.map((holder) => holder.id))];
    if (ids.length > 1) {
      throw ScimError.uniqueness(
        'The userName, address and externalId belong to different deleted users.',
      );
    }

    return ids[0];
  }

  private async refuseTaken(
    manager: EntityManager,
    orgId: string,
    fields: ScimUserFields,
    self: string,
  ): Promise<void> {
    const [holder] = await this.holders(manager, orgId, fields, self);
    if (holder) {
      throw ScimError.uniqueness(takenMessage(holder, fields));
    }
  }

  /** Other users holding the address (anywhere), or the userName or externalId (in the organisation). */
  private holders(
    manager: EntityManager,
    orgId: string,
    fields: ScimUserFields,
    self: string | undefined,
  ): Promise<Holder[]> {
    // users_email_key, users_org_user_name_key and users_org_source_key serve the three tests.
    return manager.query(
      `SELECT id, org_id, scim_deleted_at IS NOT NULL AS deleted,
              email = $3 AS has_email,
              org_id = $1 AND lower(coalesce(user_name, email)) = lower($4) AS has_user_name,
              org_id = $1 AND source_id = $5 AS has_external_id
         FROM users
        WHERE ($2::uuid IS NULL OR id <> $2::uuid)
          AND (email = $3
               OR (org_id = $1 AND lower(coalesce(user_name, email)) = lower($4))
               OR (org_id = $1 AND source_id = $5))`,
      [orgId, self ?? null, fields.email, fields.userName, fields.sourceId],
    );
  }

  private async insert(
    manager: EntityManager,
    orgId: string,
    id: string,
    fields: ScimUserFields,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO users (id, org_id, roles, email, secondary_emails, email_types, user_name,
         display_name, surname, given_name, title, desk_phone, mobile, employee_number,
         department_label, source_id, status)
       VALUES ($1, $2, '{}', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [id, orgId, ...fieldValues(fields)],
    );
  }

  private async update(manager: EntityManager, id: string, fields: ScimUserFields): Promise<void> {
    await manager.query(
      `UPDATE users SET email = $2, secondary_emails = $3, email_types = $4, user_name = $5,
         display_name = $6, surname = $7, given_name = $8, title = $9, desk_phone = $10,
         mobile = $11, employee_number = $12, department_label = $13, source_id = $14,
         status = $15, scim_deleted_at = NULL, updated_at = now()
       WHERE id = $1`,
      [id, ...fieldValues(fields)],
    );
  }

  private async find(
    manager: EntityManager,
    orgId: string,
    id: string,
    forUpdate: boolean,
  ): Promise<ScimUserRow> {
    // Another organisation's people are answered as unknown, so ids reveal nothing.
    const [row] = isUuid(id)
      ? await this.rows(
          manager,
          `u.id = $1 AND u.org_id = $2 AND u.scim_deleted_at IS NULL${forUpdate ? ' FOR UPDATE' : ''}`,
          [id, orgId],
        )
      : [];
    if (!row) {
      throw ScimError.notFound('User', id);
    }

    return row;
  }

  private async rows(
    manager: EntityManager,
    where: string,
    parameters: unknown[],
  ): Promise<ScimUserRow[]> {
    const raw: RawUserRow[] = await manager.query(
      `SELECT ${ROW_COLUMNS} FROM users u WHERE ${where}`,
      parameters,
    );

    return raw.map(toRow);
  }

  private async represent(manager: EntityManager, row: ScimUserRow, baseUrl: string) {
    const groups = await this.groupsOf(manager, [row.id]);

    return toScimUser(row, groups.get(row.id) ?? [], baseUrl);
  }

  /** The departments each person is directly in: SCIM's read-only "groups". */
  private async groupsOf(manager: EntityManager, ids: string[]): Promise<Map<string, GroupRef[]>> {
    const groups = new Map<string, GroupRef[]>();
    if (ids.length === 0) {
      return groups;
    }
    const rows: { user_id: string; id: string; name: string }[] = await manager.query(
      `SELECT ud.user_id, d.id, d.name FROM user_departments ud
         JOIN departments d ON d.id = ud.department_id
        WHERE ud.user_id = ANY($1::uuid[]) ORDER BY d.name, d.id`,
      [ids],
    );
    for (const row of rows) {
      groups.set(row.user_id, [...(groups.get(row.user_id) ?? []), { id: row.id, name: row.name }]);
    }

    return groups;
  }

  private async count(orgId: string, filter: ScimFilter | undefined): Promise<number> {
    const compiled = filter
      ? filterToSql(filter, USER_COLUMNS, 2)
      : { sql: 'true', parameters: [] };
    const [row]: { total: string }[] = await this.dataSource.query(
      `SELECT count(*) AS total FROM users u
        WHERE u.org_id = $1 AND u.scim_deleted_at IS NULL AND ${compiled.sql}`,
      [orgId, ...compiled.parameters],
    );

    return Number(row.total);
  }

  private event(
    name: 'user.created' | 'user.disabled',
    orgId: string,
    userId: string,
    email: string,
    reason?: string,
  ): OutboxEvent {
    // The payloads directory sync publishes (people-writer.ts), so consumers need not tell them apart.
    return {
      subject: this.outbox.subject(name),
      payload: {
        orgId,
        userId,
        email,
        ...(reason ? { reason } : {}),
        occurredAt: new Date().toISOString(),
      },
    };
  }
}

interface Holder {
  id: string;
  org_id: string;
  deleted: boolean;
  has_email: boolean;
  has_user_name: boolean;
  has_external_id: boolean;
}

interface RawUserRow {
  id: string;
  org_id: string;
  email: string;
  secondary_emails: string[];
  email_types: Record<string, string>;
  user_name: string | null;
  display_name: string;
  surname: string | null;
  given_name: string | null;
  title: string | null;
  desk_phone: string | null;
  mobile: string | null;
  employee_number: string | null;
  department_label: string | null;
  source_id: string | null;
  status: 'active' | 'disabled';
  created_at: Date;
  updated_at: Date;
}

const UNIQUE_MESSAGES: Record<string, string> = {
  users_email_key: 'The e-mail address is already in use.',
  users_org_user_name_key: 'The userName is already in use.',
  users_org_source_key: 'The externalId is already in use.',
};

function takenMessage(holder: Holder, fields: ScimUserFields): string {
  if (holder.has_user_name) {
    return `The userName "${fields.userName}" is already in use.`;
  }
  if (holder.has_external_id) {
    return `The externalId "${fields.sourceId}" is already in use.`;
  }

  return `The e-mail address ${fields.email} is already in use.`;
}

function toRow(raw: RawUserRow): ScimUserRow {
  return {
    id: raw.id,
    orgId: raw.org_id,
    email: raw.email,
    secondaryEmails: raw.secondary_emails,
    emailTypes: raw.email_types ?? {},
    userName: raw.user_name,
    displayName: raw.display_name,
    surname: raw.surname,
    givenName: raw.given_name,
    title: raw.title,
    deskPhone: raw.desk_phone,
    mobile: raw.mobile,
    employeeNumber: raw.employee_number,
    departmentLabel: raw.department_label,
    sourceId: raw.source_id,
    status: raw.status,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
  };
}

/** The column values in the order insert and update list them after the id. */
function fieldValues(fields: ScimUserFields): unknown[] {
  return [
    fields.email,
    fields.secondaryEmails,
    JSON.stringify(fields.emailTypes),
    fields.userName,
    fields.displayName,
    fields.surname,
    fields.givenName,
    fields.title,
    fields.deskPhone,
    fields.mobile,
    fields.employeeNumber,
    fields.departmentLabel,
    fields.sourceId,
    fields.status,
  ];
}
