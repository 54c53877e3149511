import { EntityManager } from 'typeorm';

import { eventSubject, OutboxEvent, writeOutbox } from '@confer/events';

/** The kinds of change a user's devices receive, as WebSocket frame types. */
export type ChangeType =
  | 'message.created'
  | 'conversation.read'
  | 'member.added'
  | 'member.removed'
  | 'conversation.updated'
  | 'session.pinned'
  | 'session.unpinned'
  | 'session.hidden';

export interface ChangeRecord {
  orgId: string;
  conversationId: string;
  /** Set for a change only this user sees (their read cursor, pins); null for all members. */
  userId: string | null;
  type: ChangeType;
  /** The frame's `data`, also returned by Sync as data_json. */
  data: object;
}

/** Facts for other services (JetStream, through the outbox); payloads as in events.proto. */
export type EventName = 'message.created' | 'members.changed' | 'conversation.created';

interface RecordedChange extends ChangeRecord {
  pos: number;
}

/** Room for 65,536 changes per transaction below the next transaction's positions. */
export const POSITIONS_PER_TRANSACTION = 65_536;

/**
 * The changes and outbox events one transaction produces. Positions are the
 * transaction id shifted left by 16 bits plus the change's index, so they
 * increase with transaction ids; the transaction must hold the advisory locks
 * of the conversations it touches before anything assigns it an id (see
 * ChangeStream.run).
 */
export class ChangeTransaction {
  private base?: number;
  private readonly recorded: RecordedChange[] = [];
  private readonly events: OutboxEvent[] = [];

  constructor(
    readonly manager: EntityManager,
    private readonly natsPrefix: string,
  ) {}

  /** Assigns the transaction id (if not yet) and fixes the base of this transaction's positions. */
  async begin(): Promise<void> {
    if (this.base !== undefined) {
      return;
    }
    const rows: { base: string }[] = await this.manager.query(
      'SELECT (pg_current_xact_id()::text::bigint << 16) AS base',
    );
    this.base = Number(rows[0].base);
  }

  /** The position the next recorded change will take. */
  get nextPosition(): number {
    if (this.base === undefined) {
      throw new Error('ChangeTransaction.begin() must run before positions are taken');
    }
    if (this.recorded.length >= POSITIONS_PER_TRANSACTION) {
      throw new Error('too many changes in one transaction');
    }

    return this.base + this.recorded.length;
  }

  record(change: ChangeRecord): number {
    const pos = this.nextPosition;
    this.recorded.push({ ...change, pos });

    return pos;
  }

  /** Queues a fact for the outbox; the event id is added when it is written. */
  emit(name: EventName, payload: object): void {
    this.events.push({ subject: eventSubject(this.natsPrefix, 'messaging', name), payload });
  }

  get hasEvents(): boolean {
    return this.events.length > 0;
  }

  get hasChanges(): boolean {
    return this.recorded.length > 0;
  }

  /** Writes the recorded changes and events, one multi-row INSERT each. */
  async write(): Promise<void> {
    if (this.recorded.length > 0) {
      await this.insertChanges();
    }
    await writeOutbox(this.manager, this.events);
  }

  private async insertChanges(): Promise<void> {
    const rows = this.recorded;
    await this.manager.query(
      `INSERT INTO changes (stream_pos, org_id, conversation_id, user_id, type, payload)
       SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::jsonb[])`,
      [
        rows.map((r) => r.pos),
        rows.map((r) => r.orgId),
        rows.map((r) => r.conversationId),
        rows.map((r) => r.userId),
        rows.map((r) => r.type),
        rows.map((r) => JSON.stringify(r.data)),
      ],
    );
  }
}
