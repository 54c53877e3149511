import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

import { OutboxPublisher, writeOutbox } from '@confer/events';
import { Caller } from '@confer/grpc';
import { contactLists } from '@confer/proto';

import {
  displayedSince,
  listPeople,
  PersonListTable,
  requireAnyPerson,
  toSummary,
} from '../follows/person-list';
import { BlockError } from './blocks.errors';

const BLOCKS: PersonListTable = { table: 'blocks', owner: 'blocker_id', other: 'blocked_id' };

/** The payload of `block.changed`: confer.events.v1.BlockChanged in its JSON form. */
export interface BlockChangedPayload {
  orgId: string;
  blockerId: string;
  blockedId: string;
  blocked: boolean;
  /** int64 as proto3 JSON writes it. */
  version: string;
  occurredAt: string;
}

/**
 * A person's blacklist. Contacts keeps the list; messaging enforces it from
 * its own copy, filled from the block.changed events written here in the
 * same transaction as each change.
 */
@Injectable()
export class BlocksService {
  private readonly logger = new Logger(BlocksService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxPublisher,
  ) {}

  /**
   * Blocking again is a no-op that answers the original time and publishes
   * nothing. The person may be of any organisation: whoever can write to the
   * caller can be blocked.
   */
  async block(caller: Caller, personId: string): Promise<contactLists.ListedPerson> {
    const person = await requireAnyPerson(this.dataSource.manager, personId);
    if (person.id === caller.userId) {
      throw BlockError.self();
    }
    const { since, changed } = await this.dataSource.transaction(async (manager) => {
      const inserted = (await manager.query(
        `INSERT INTO blocks (blocker_id, blocked_id) VALUES ($1, $2)
         ON CONFLICT (blocker_id, blocked_id) DO NOTHING RETURNING blocker_id`,
        [caller.userId, person.id],
      )) as unknown[];
      if (inserted.length > 0) {
        await this.writeChange(manager, caller, person.id, true);
      }
      const [row] = (await manager.query(
        `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS since
         FROM blocks WHERE blocker_id = $1 AND blocked_id = $2`,
        [caller.userId, person.id],
      )) as { since: string }[];

      return { since: row.since, changed: inserted.length > 0 };
    });
    if (changed) {
      this.outbox.notify();
      this.logger.log({ userId: caller.userId, blockedId: person.id }, 'person blocked');
    }

    return { person: toSummary(person), since: displayedSince(since) };
  }

  /** Unblocking someone not blocked is a no-op; an unknown person is not found. */
  async unblock(caller: Caller, personId: string): Promise<void> {
    const person = await requireAnyPerson(this.dataSource.manager, personId);
    const changed = await this.dataSource.transaction(async (manager) => {
      // A DELETE answers [rows, affected count].
      const [, deleted] = (await manager.query(
        'DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2',
        [caller.userId, person.id],
      )) as [unknown[], number];
      if (deleted > 0) {
        await this.writeChange(manager, caller, person.id, false);
      }

      return deleted > 0;
    });
    if (changed) {
      this.outbox.notify();
      this.logger.log({ userId: caller.userId, blockedId: person.id }, 'person unblocked');
    }
  }

  list(caller: Caller, limit?: number, cursor?: string): Promise<contactLists.ListedPersonPage> {
    return listPeople(this.dataSource.manager, BLOCKS, caller.userId, limit, cursor);
  }

  async isBlocked(blockerId: string, personId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      'SELECT 1 FROM blocks WHERE blocker_id = $1 AND blocked_id = $2',
      [blockerId, personId],
    )) as unknown[];

    return rows.length > 0;
  }

  /**
   * The version is drawn after the row write, which waits for any concurrent
   * change of the same pair: the later change always carries the larger version.
   */
  private async writeChange(
    manager: EntityManager,
    caller: Caller,
    blockedId: string,
    blocked: boolean,
  ): Promise<void> {
    const [{ version }] = (await manager.query(
      "SELECT nextval('block_change_version')::text AS version",
    )) as { version: string }[];
    const payload: BlockChangedPayload = {
      orgId: caller.orgId,
      blockerId: caller.userId,
      blockedId,
      blocked,
      version,
      occurredAt: new Date().toISOString(),
    };
    await writeOutbox(manager, [{ subject: this.outbox.subject('block.changed'), payload }]);
  }
}
