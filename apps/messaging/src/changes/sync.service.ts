import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { pageLimit } from '@confer/database';
import { Caller } from '@confer/grpc';
import { messaging } from '@confer/proto';

import { requestPosition } from '../positions';

export const SYNC_PAGE_DEFAULT = 200;
export const SYNC_PAGE_MAX = 1_000;

interface ChangeRow {
  stream_pos: string;
  type: string;
  conversation_id: string | null;
  payload: object;
}

/**
 * A user's change stream after a position, in order, in one query: the
 * changes addressed to them alone, and the changes of each conversation while
 * they were a member (joined_pos .. left_pos of each stay in member_windows). Only positions below the
 * horizon are returned: the oldest transaction still running, shifted like
 * positions are. Every transaction below it has ended, so no change can ever
 * appear below a position already handed out.
 */
const SYNC_QUERY = `
  WITH horizon AS MATERIALIZED (
    SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 16 AS pos
  )
  SELECT stream_pos, type, conversation_id, payload FROM (
    (SELECT ch.stream_pos, ch.type, ch.conversation_id, ch.payload
     FROM changes ch, horizon h
     -- changes_by_user (user_id, stream_pos)
     WHERE ch.user_id = $1 AND ch.stream_pos > $2 AND ch.stream_pos < h.pos
     ORDER BY ch.stream_pos LIMIT $3)
    UNION ALL
    (SELECT ch.stream_pos, ch.type, ch.conversation_id, ch.payload
     FROM horizon h
     -- member_windows_by_user (user_id, conversation_id, joined_pos): every stay whose
     -- window reaches past $2 (windows of one conversation never overlap)
     JOIN member_windows m ON m.user_id = $1 AND (m.left_pos IS NULL OR m.left_pos > $2)
     CROSS JOIN LATERAL (
       SELECT c.stream_pos, c.type, c.conversation_id, c.payload FROM changes c
       -- changes_by_conversation (conversation_id, stream_pos) WHERE user_id IS NULL
       WHERE c.conversation_id = m.conversation_id AND c.user_id IS NULL
         AND c.stream_pos > greatest($2, m.joined_pos - 1)
         AND c.stream_pos <= coalesce(m.left_pos, h.pos)
         AND c.stream_pos < h.pos
       ORDER BY c.stream_pos LIMIT $3
     ) ch)
  ) AS visible
  ORDER BY stream_pos LIMIT $3`;

/**
 * The newest position that can never gain a change: just below the horizon.
 * The horizon itself is the first position of the oldest running transaction.
 */
const POSITION_QUERY = `
  SELECT (pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 16) - 1 AS position`;

@Injectable()
export class SyncService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Where a device stands that has seen nothing yet: Sync or live frames from
   * here on miss nothing. It is the same for every user; a user's own next
   * change is above it.
   */
  async position(): Promise<messaging.SyncPosition> {
    const [row]: { position: string }[] = await this.dataSource.query(POSITION_QUERY);

    return { position: Number(row.position) };
  }

  async sync(caller: Caller, request: messaging.SyncRequest): Promise<messaging.SyncPage> {
    const since = requestPosition(request.since, 'since');
    const limit = pageLimit(request.limit, SYNC_PAGE_DEFAULT, SYNC_PAGE_MAX);
    const rows: ChangeRow[] = await this.dataSource.query(SYNC_QUERY, [
      caller.userId,
      since,
      limit + 1,
    ]);
    const page = rows.slice(0, limit);

    return {
      items: page.map((row) => ({
        seq: Number(row.stream_pos),
        type: row.type,
        conversationId: row.conversation_id ?? '',
        dataJson: JSON.stringify(row.payload),
      })),
      nextSince: page.length > 0 ? Number(page[page.length - 1].stream_pos) : since,
      hasMore: rows.length > limit,
    };
  }
}
