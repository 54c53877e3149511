import { decodeCursor, invalidCursor } from '@confer/database';
import { messaging } from '@confer/proto';

import {
  ConversationRow,
  MembershipColumns,
  toConversation,
} from '../conversations/conversation.mapper';

/** One session of the caller as the recent-session queries select it. */
export interface SessionRow extends ConversationRow, Pick<MembershipColumns, 'role' | 'read_seq'> {
  last_message_id: string | null;
  activity_at: Date;
  activity_us: string;
  pinned: number;
  muted: boolean;
  unread: string;
}

/** A folder entry: the newest of its sessions plus counts over all of them. */
export interface FolderRow extends SessionRow {
  conversation_count: string;
  unread_sum: string;
}

/** The list's order: pinned first, then newest activity, ties broken by id (text, C collation). */
export interface SessionKey {
  p: number;
  a: number;
  i: string;
}

export const FOLDER_IDS = { private: 'folder:private', group: 'folder:group' } as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A page cursor back to its key: pinned 0 or 1, activity in microseconds, and
 * a conversation id or a folder's id (lower case, as the list compares them).
 */
export function decodeSessionKey(cursor: string): SessionKey {
  const key = decodeCursor(cursor, { p: 'integer', a: 'integer', i: 'string' });
  const folder = key.i === FOLDER_IDS.private || key.i === FOLDER_IDS.group;
  if (key.p > 1 || !(folder || UUID.test(key.i))) {
    throw invalidCursor();
  }

  return key;
}

/** Descending list order: negative when `x` comes first. */
export function compareKeys(x: SessionKey, y: SessionKey): number {
  if (x.p !== y.p) {
    return y.p - x.p;
  }
  if (x.a !== y.a) {
    return y.a - x.a;
  }
  if (x.i === y.i) {
    return 0;
  }

  return x.i > y.i ? -1 : 1;
}

export function sessionKey(row: SessionRow, folder?: boolean): SessionKey {
  const id = folder ? FOLDER_IDS[row.kind as 'private' | 'group'] : row.id;

  return { p: row.pinned, a: Number(row.activity_us), i: id };
}

function unreadStyle(kind: ConversationRow['kind']): messaging.UnreadStyle {
  return kind === 'group'
    ? messaging.UnreadStyle.UNREAD_STYLE_DOT
    : messaging.UnreadStyle.UNREAD_STYLE_COUNT;
}

export function toSession(
  row: SessionRow,
  lastMessage?: messaging.Message,
): messaging.RecentSession {
  const unread = Number(row.unread);

  return {
    conversation: toConversation(row, row),
    lastMessage,
    unreadStyle: unreadStyle(row.kind),
    unreadCount: unread,
    hasUnread: unread > 0,
    pinned: row.pinned === 1,
    muted: row.muted,
    lastActivityAt: row.activity_at.toISOString(),
    folder: undefined,
  };
}

export function toFolder(row: FolderRow, lastMessage?: messaging.Message): messaging.RecentSession {
  const unread = Number(row.unread_sum);

  return {
    conversation: undefined,
    lastMessage,
    unreadStyle: unreadStyle(row.kind),
    unreadCount: unread,
    hasUnread: unread > 0,
    pinned: false,
    muted: false,
    lastActivityAt: row.activity_at.toISOString(),
    folder: {
      kind: toConversation(row).kind,
      conversationCount: Number(row.conversation_count),
    },
  };
}
