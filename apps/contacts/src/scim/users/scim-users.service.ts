import { randomUUID } from 'node:crypto';

import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

import { OutboxEvent, OutboxPublisher, writeOutbox } from '@confer/events';

import { writeSearchKeys } from '../../people-search/search-key-writer';
import { isUuid, violatedUniqueConstraint } from '../../persistence/postgres-errors';
import { User } from '../../users/user.entity';
import { applyPatch } from '../patch/scim-patch';
import { ScimContext, ScimListPage, ScimListQuery, ScimResult, resultOf } from '../scim-context';
import { SCHEMA } from '../scim-json';
import { listRows, refuseIdChange, refuseStale, ScimTable } from '../scim-store';
import { ScimError } from '../scim.errors';
import { fromScimUser, ScimUserFields, ScimUserRow, toScimUser } from './scim-user-mapping';
import {
  findHolders,
  groupsOf,
  Holder,
  insertUser,
  RawUserRow,
  ROW_COLUMNS,
  selectUsers,
  toRow,
  updateUser,
  USER_COLUMNS,
} from './scim-user-rows';

/** Why a person was disabled, in the user.disabled event (beside the directory sync's reasons). */
export const DISABLED_BY_SCIM = 'disabled_by_scim';
export const DELETED_BY_SCIM = 'deleted_by_scim';

const PATCH_RULES = { extensions: [SCHEMA.enterpriseUser], readOnly: ['id', 'meta', 'groups'] };

/** People SCIM has deleted are gone for it. Paged by users_org_created_idx. */
const USERS: ScimTable = {
  from: 'users u',
  scope: 'u.org_id = $1 AND u.scim_deleted_at IS NULL',
  order: 'u.created_at, u.id',
  select: ROW_COLUMNS,
  columns: USER_COLUMNS,
};

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
        await updateUser(manager, userId, fields);
      } else {
        await insertUser(manager, context.orgId, userId, fields);
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
    const page = await listRows<RawUserRow>(this.dataSource, USERS, context.orgId, query);
    const users = page.rows.map(toRow);
    const groups = await groupsOf(
      this.dataSource.manager,
      users.map((user) => user.id),
    );

    return {
      totalResults: page.totalResults,
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
      refuseIdChange(body, current);

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
      refuseStale(ifMatch, current);
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
      refuseStale(ifMatch, current);
      const fields = next(current);
      await this.refuseTaken(manager, context.orgId, fields, row.id);
      await updateUser(manager, row.id, fields);
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
        const [row] = await selectUsers(manager, 'u.id = $1', [done.id]);
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
    const holders = await findHolders(manager, orgId, fields, undefined);
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
    const [holder] = await findHolders(manager, orgId, fields, self);
    if (holder) {
      throw ScimError.uniqueness(takenMessage(holder, fields));
    }
  }

  private async find(
    manager: EntityManager,
    orgId: string,
    id: string,
    forUpdate: boolean,
  ): Promise<ScimUserRow> {
    // Another organisation's people are answered as unknown, so ids reveal nothing.
    const [row] = isUuid(id)
      ? await selectUsers(
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

  private async represent(manager: EntityManager, row: ScimUserRow, baseUrl: string) {
    const groups = await groupsOf(manager, [row.id]);

    return toScimUser(row, groups.get(row.id) ?? [], baseUrl);
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
