import { EntityManager } from 'typeorm';

import { ConversationError } from './conversation.errors';
import { ConversationRow, MembershipColumns } from './conversation.mapper';
import { isUuid } from './ids';

export type MemberView = ConversationRow & MembershipColumns;

export const CONVERSATION_COLUMNS = `c.id, c.org_id, c.kind, c.title, c.owner_id, c.last_seq,
  c.last_message_at, c.created_at, c.member_count`;

/**
 * The conversation as a current member sees it, or conversation.not_found:
 * for anyone else (a former member, a stranger, a malformed id) it does not
 * exist.
 */
export async function requireMembership(
  manager: EntityManager,
  conversationId: string,
  userId: string,
): Promise<MemberView> {
  if (!isUuid(conversationId)) {
    throw ConversationError.notFound(conversationId);
  }
  // Primary keys of conversations and members.
  const rows: MemberView[] = await manager.query(
    `SELECT ${CONVERSATION_COLUMNS}, m.role, m.read_seq, m.joined_seq
     FROM conversations c JOIN members m ON m.conversation_id = c.id
     WHERE c.id = $1 AND m.user_id = $2 AND m.left_pos IS NULL`,
    [conversationId, userId],
  );
  if (rows.length === 0) {
    throw ConversationError.notFound(conversationId);
  }

  return rows[0];
}

export async function findConversation(
  manager: EntityManager,
  where: 'id' | 'pair_key',
  value: string,
): Promise<ConversationRow | undefined> {
  // Primary key, or conversations_pair_key.
  const rows: ConversationRow[] = await manager.query(
    `SELECT ${CONVERSATION_COLUMNS} FROM conversations c WHERE c.${where} = $1`,
    [value],
  );

  return rows[0];
}

export async function findByIdempotencyKey(
  manager: EntityManager,
  creatorId: string,
  key: string,
): Promise<ConversationRow | undefined> {
  // conversations_idempotency.
  const rows: ConversationRow[] = await manager.query(
    `SELECT ${CONVERSATION_COLUMNS} FROM conversations c
     WHERE c.creator_id = $1 AND c.idempotency_key = $2`,
    [creatorId, key],
  );

  return rows[0];
}

export interface NewConversation {
  id: string;
  orgId: string;
  kind: ConversationRow['kind'];
  title: string;
  ownerId: string | null;
  creatorId: string;
  idempotencyKey: string | null;
  pairKey: string | null;
}

export async function insertConversation(
  manager: EntityManager,
  conversation: NewConversation,
): Promise<ConversationRow> {
  const rows: ConversationRow[] = await manager.query(
    `INSERT INTO conversations (id, org_id, kind, title, owner_id, creator_id, idempotency_key, pair_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     RETURNING id, org_id, kind, title, owner_id, last_seq, last_message_at, created_at, member_count`,
    [
      conversation.id,
      conversation.orgId,
      conversation.kind,
      conversation.title,
      conversation.ownerId,
      conversation.creatorId,
      conversation.idempotencyKey,
      conversation.pairKey,
    ],
  );

  return rows[0];
}
