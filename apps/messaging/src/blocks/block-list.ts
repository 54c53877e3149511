import { EntityManager } from 'typeorm';

import { BlockedError } from './blocks.errors';

/**
 * Reads of messaging's own copy of everyone's blacklist (the `user_blocks`
 * projection of contacts' block.changed events): no call to contacts on any
 * send or create path.
 */

/**
 * Of (conversation, sender) pairs, those where the conversation is a private
 * chat whose other member has blocked the sender, as `conversation:sender`.
 */
export async function blockedPrivateSends(
  manager: EntityManager,
  pairs: { conversationId: string; senderId: string }[],
): Promise<Set<string>> {
  if (pairs.length === 0) {
    return new Set();
  }
  // members' primary key finds the other member; user_blocks' primary key the block.
  const rows: { conversation_id: string; user_id: string }[] = await manager.query(
    `SELECT DISTINCT p.conversation_id, p.user_id
     FROM unnest($1::uuid[], $2::uuid[]) AS p(conversation_id, user_id)
     JOIN conversations c ON c.id = p.conversation_id AND c.kind = 'private'
     JOIN members o ON o.conversation_id = p.conversation_id AND o.user_id <> p.user_id
     JOIN user_blocks b ON b.blocker_id = o.user_id AND b.blocked_id = p.user_id AND b.blocked`,
    [pairs.map((pair) => pair.conversationId), pairs.map((pair) => pair.senderId)],
  );

  return new Set(rows.map((row) => `${row.conversation_id}:${row.user_id}`));
}

/** Fails with conversation.blocked naming those of `userIds` who have blocked `actorId`. */
export async function requireNotBlockedBy(
  manager: EntityManager,
  actorId: string,
  userIds: string[],
): Promise<void> {
  if (userIds.length === 0) {
    return;
  }
  const rows: { blocker_id: string }[] = await manager.query(
    `SELECT blocker_id FROM user_blocks
     WHERE blocked_id = $1 AND blocker_id = ANY($2::uuid[]) AND blocked`,
    [actorId, userIds],
  );
  if (rows.length > 0) {
    throw BlockedError.conversation(rows.map((row) => row.blocker_id).sort());
  }
}
