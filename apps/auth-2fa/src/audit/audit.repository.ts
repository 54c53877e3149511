import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

import { AuditEntryRow } from './audit-entry';

/** Where a page starts: after this line, in newest-first order. */
export interface AuditPosition {
  occurredAt: string;
  eventId: string;
}

export interface AuditQuery {
  orgId: string;
  /** Lines this user did or that concern them. */
  userId?: string;
  /** Dotted words: matches the action itself and every action below it. */
  actionPrefix?: string;
  since?: Date;
  until?: Date;
  after?: AuditPosition;
  limit: number;
}

interface AuditEntryRecord {
  event_id: string;
  org_id: string;
  actor_id: string;
  subject_user_id: string | null;
  action: string;
  details: Record<string, unknown>;
  client_ip: string | null;
  occurred_at: Date;
  recorded_at: Date;
  source_subject: string;
}

const COLUMNS = `event_id, org_id, actor_id, subject_user_id, action, details, client_ip,
  occurred_at, recorded_at, source_subject`;
const NEWEST_FIRST = 'ORDER BY occurred_at DESC, event_id DESC';

/** The audit_entries table, in SQL: the reads page by (occurred_at, event_id). */
@Injectable()
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores a line unless its event id is stored already; true when it was new. */
  async insert(manager: EntityManager, row: AuditEntryRow): Promise<boolean> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO audit_entries (event_id, org_id, actor_id, subject_user_id, action, details,
         client_ip, occurred_at, source_subject)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (event_id) DO NOTHING RETURNING 1`,
      [
        row.eventId,
        row.orgId,
        row.actorId,
        row.subjectUserId,
        row.action,
        JSON.stringify(row.details),
        row.clientIp,
        row.occurredAt.toISOString(),
        row.sourceSubject,
      ],
    );

    return inserted.length > 0;
  }

  async list(query: AuditQuery): Promise<AuditEntryRow[]> {
    const params: unknown[] = [query.orgId];
    const param = (value: unknown) => {
      params.push(value);

      return `$${params.length}`;
    };
    const filters = ['org_id = $1'];
    if (query.actionPrefix) {
      const prefix = param(query.actionPrefix);
      filters.push(`(action = ${prefix} OR starts_with(action, ${prefix} || '.'))`);
    }
    if (query.since) {
      filters.push(`occurred_at >= ${param(query.since.toISOString())}`);
    }
    if (query.until) {
      filters.push(`occurred_at < ${param(query.until.toISOString())}`);
    }
    if (query.after) {
      filters.push(
        `(occurred_at, event_id) < (${param(query.after.occurredAt)}::timestamptz, ${param(query.after.eventId)})`,
      );
    }
    const limit = param(query.limit);
    const where = filters.join(' AND ');
    let sql: string;
    if (query.userId) {
      // Two parameters: PostgreSQL gives one parameter one type, and the columns differ.
      const subject = param(query.userId);
      const actor = param(query.userId);
      // Two index range scans (audit_entries_subject_time, audit_entries_actor_time), each
      // stopped at the page size, then merged; UNION drops a line the user did to themself.
      sql = `SELECT ${COLUMNS} FROM (
          (SELECT * FROM audit_entries WHERE subject_user_id = ${subject}::uuid AND ${where}
           ${NEWEST_FIRST} LIMIT ${limit})
          UNION
          (SELECT * FROM audit_entries WHERE actor_id = ${actor} AND ${where}
           ${NEWEST_FIRST} LIMIT ${limit})
        ) AS lines ${NEWEST_FIRST} LIMIT ${limit}`;
    } else {
      // Served by audit_entries_org_time.
      sql = `SELECT ${COLUMNS} FROM audit_entries WHERE ${where} ${NEWEST_FIRST} LIMIT ${limit}`;
    }
    const records: AuditEntryRecord[] = await this.dataSource.query(sql, params);

    return records.map(toRow);
  }

  /**
   * Deletes up to `batch` lines that happened before the cutoff, oldest
   * first; returns how many went, so the caller can loop in short transactions.
   */
  async deleteOlderThan(manager: EntityManager, cutoff: Date, batch: number): Promise<number> {
    const [, count] = (await manager.query(
      `DELETE FROM audit_entries WHERE event_id IN (
         SELECT event_id FROM audit_entries WHERE occurred_at < $1 ORDER BY occurred_at LIMIT $2)`,
      [cutoff.toISOString(), batch],
    )) as [unknown, number];

    return count;
  }

  /**
   * Forgets handled-event ids of the audit consumers once JetStream can no
   * longer redeliver them; the event_id key of audit_entries still holds.
   */
  async forgetHandledEvents(
    manager: EntityManager,
    consumerPrefix: string,
    cutoff: Date,
  ): Promise<void> {
    await manager.query(
      `DELETE FROM handled_events WHERE starts_with(consumer, $1) AND handled_at < $2`,
      [consumerPrefix, cutoff.toISOString()],
    );
  }
}

function toRow(record: AuditEntryRecord): AuditEntryRow {
  return {
    eventId: record.event_id,
    orgId: record.org_id,
    actorId: record.actor_id,
    subjectUserId: record.subject_user_id,
    action: record.action,
    details: record.details,
    clientIp: record.client_ip,
    occurredAt: record.occurred_at,
    recordedAt: record.recorded_at,
    sourceSubject: record.source_subject,
  };
}
