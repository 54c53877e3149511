import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { encodeCursor, pageLimit } from '@confer/database';
import { Caller } from '@confer/grpc';
import { messaging } from '@confer/proto';

import { ChangeStream } from '../changes/change-stream';
import { ChangeType } from '../changes/change-transaction';
import { ConversationError } from '../conversations/conversation.errors';
import { requireMembership } from '../conversations/conversation.store';
import { isUuid } from '../conversations/ids';
import { messageColumns, MessageRow, toMessage } from '../messages/message.mapper';
import {
  compareKeys,
  decodeSessionKey,
  FolderRow,
  SessionKey,
  sessionKey,
  SessionRow,
  toFolder,
  toSession,
} from './recent-session.mapper';
import { updateReturning } from '../sql';

export const RECENT_PAGE_DEFAULT = 50;
export const RECENT_PAGE_MAX = 200;

const { RecentView } = messaging;

/**
 * The caller's visible sessions: current memberships not hidden since their
 * last message. Activity is the last message, or the conversation's creation
 * before it has one. Served from members_by_user joined to conversations by
 * primary key, sorted per request (see the README's limitations).
 */
const SESSIONS = `
  sessions AS (
    SELECT c.id, c.org_id, c.kind, c.title, c.owner_id, c.last_seq, c.last_message_at,
      c.created_at, c.member_count, c.last_message_id, m.role, m.read_seq, m.muted,
      coalesce(c.last_message_at, c.created_at) AS activity_at,
      (extract(epoch FROM coalesce(c.last_message_at, c.created_at)) * 1000000)::bigint AS activity_us,
      (m.pinned_at IS NOT NULL)::int AS pinned,
      c.last_seq - m.read_seq AS unread
    FROM members m JOIN conversations c ON c.id = m.conversation_id
    WHERE m.user_id = $1 AND m.left_pos IS NULL
      AND (m.hidden_seq IS NULL OR c.last_seq > m.hidden_seq)
  )`;

/** Which sessions stand alone in each view (folders are added for the folded view). */
const STANDALONE: Record<'folded' | 'flat' | 'private' | 'group', string> = {
  folded: `pinned = 1 OR kind NOT IN ('private', 'group')`,
  flat: 'true',
  private: `pinned = 0 AND kind = 'private'`,
  group: `pinned = 0 AND kind = 'group'`,
};

@Injectable()
export class RecentSessionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly changes: ChangeStream,
  ) {}

  async list(
    caller: Caller,
    request: messaging.ListRecentSessionsRequest,
  ): Promise<messaging.RecentSessionPage> {
    const view = viewName(request.view);
    const limit = pageLimit(request.limit, RECENT_PAGE_DEFAULT, RECENT_PAGE_MAX);
    const after = request.cursor ? decodeSessionKey(request.cursor) : null;
    const rows: SessionRow[] = await this.dataSource.query(
      `WITH ${SESSIONS}
       SELECT * FROM sessions
       WHERE (${STANDALONE[view]})
         AND ($2::int IS NULL OR (pinned, activity_us, id::text COLLATE "C") < ($2, $3, $4))
       ORDER BY pinned DESC, activity_us DESC, id::text COLLATE "C" DESC
       LIMIT $5`,
      [caller.userId, after?.p ?? null, after?.a ?? null, after?.i ?? null, limit + 1],
    );
    const folders = view === 'folded' ? await this.folders(caller, after) : [];
    const entries = [
      ...rows.map((row) => ({ key: sessionKey(row), row, folder: false })),
      ...folders.map((row) => ({ key: sessionKey(row, true), row, folder: true })),
    ].sort((x, y) => compareKeys(x.key, y.key));
    const page = entries.slice(0, limit);
    const messages = await this.lastMessages(page.map((entry) => entry.row.last_message_id));

    return {
      items: page.map(({ row, folder }) => {
        const last = row.last_message_id ? messages.get(row.last_message_id) : undefined;

        return folder ? toFolder(row as FolderRow, last) : toSession(row, last);
      }),
      nextCursor: entries.length > limit ? encodeCursor({ ...page[page.length - 1].key }) : '',
    };
  }

  async pin(caller: Caller, conversationId: string): Promise<void> {
    await this.updateMember(caller, conversationId, 'session.pinned', {
      set: 'pinned_at = now()',
      unchangedUnless: 'm.pinned_at IS NULL',
    });
  }

  async unpin(caller: Caller, conversationId: string): Promise<void> {
    await this.updateMember(caller, conversationId, 'session.unpinned', {
      set: 'pinned_at = NULL',
      unchangedUnless: 'm.pinned_at IS NOT NULL',
    });
  }

  /** Hidden until a message arrives after the one that was last when hiding. */
  async hide(caller: Caller, conversationId: string): Promise<void> {
    await this.updateMember(caller, conversationId, 'session.hidden', {
      set: 'hidden_seq = c.last_seq',
      unchangedUnless: 'm.hidden_seq IS DISTINCT FROM c.last_seq',
    });
  }

  /** The private and group folders (unpinned sessions only), placed by their newest session. */
  private async folders(caller: Caller, after: SessionKey | null): Promise<FolderRow[]> {
    const rows: FolderRow[] = await this.dataSource.query(
      `WITH ${SESSIONS}
       SELECT DISTINCT ON (kind) *,
         count(*) OVER w AS conversation_count, sum(unread) OVER w AS unread_sum
       FROM sessions WHERE pinned = 0 AND kind IN ('private', 'group')
       WINDOW w AS (PARTITION BY kind)
       ORDER BY kind, activity_us DESC, id DESC`,
      [caller.userId],
    );

    return rows.filter((row) => !after || compareKeys(after, sessionKey(row, true)) < 0);
  }

  private async lastMessages(ids: (string | null)[]): Promise<Map<string, messaging.Message>> {
    const wanted = ids.filter((id): id is string => id !== null);
    if (wanted.length === 0) {
      return new Map();
    }
    // messages_id.
    const rows: MessageRow[] = await this.dataSource.query(
      `SELECT ${messageColumns()} FROM messages WHERE id = ANY($1::uuid[])`,
      [wanted],
    );

    return new Map(rows.map((row) => [row.id, toMessage(row)]));
  }

  /**
   * Changes one of the caller's session settings under the conversation's
   * lock and, when it really changed, records a change for the caller's other
   * devices in the same transaction. Repeating a pin or hide changes nothing
   * and records nothing.
   */
  private async updateMember(
    caller: Caller,
    conversationId: string,
    type: ChangeType,
    update: { set: string; unchangedUnless: string },
  ): Promise<void> {
    if (!isUuid(conversationId)) {
      throw ConversationError.notFound(conversationId);
    }
    const id = conversationId.toLowerCase();
    await this.changes.run([id], async (tx) => {
      const view = await requireMembership(tx.manager, id, caller.userId);
      // Primary keys of members and conversations.
      const rows = await updateReturning<unknown>(
        tx.manager,
        `UPDATE members m SET ${update.set} FROM conversations c
         WHERE c.id = m.conversation_id AND m.conversation_id = $1 AND m.user_id = $2
           AND m.left_pos IS NULL AND (${update.unchangedUnless})
         RETURNING 1`,
        [view.id, caller.userId],
      );
      if (rows.length === 0) {
        return;
      }
      await tx.begin();
      tx.record({
        orgId: view.org_id,
        conversationId: view.id,
        userId: caller.userId,
        type,
        data: { conversationId: view.id },
      });
    });
  }
}

function viewName(view: messaging.RecentView | undefined): keyof typeof STANDALONE {
  switch (view) {
    case RecentView.RECENT_VIEW_FLAT:
      return 'flat';
    case RecentView.RECENT_VIEW_PRIVATE_FOLDER:
      return 'private';
    case RecentView.RECENT_VIEW_GROUP_FOLDER:
      return 'group';
    default:
      return 'folded';
  }
}
