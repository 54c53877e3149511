import { ChangeTransaction } from '../changes/change-transaction';
import { ConversationError } from './conversation.errors';
import { ConversationRow, toConversation } from './conversation.mapper';
import { updateReturning } from '../sql';

const RETURNING = `RETURNING id, org_id, kind, title, owner_id, last_seq, last_message_at,
  created_at, member_count`;

export interface AdmitOptions {
  actorId: string;
  /** Who becomes owner among the admitted (the creator of a group). */
  ownerId?: string | null;
  memberLimit: number;
}

/**
 * Makes users members from the conversation's current seq on: their history
 * and read cursor start there, and their change-stream window opens at the
 * member.added change (a new row in member_windows; the members row holds
 * only the current stay). Users already members are left as they are. The
 * caller holds the conversation's lock.
 */
export async function admitMembers(
  tx: ChangeTransaction,
  conversation: ConversationRow,
  userIds: string[],
  options: AdmitOptions,
): Promise<{ conversation: ConversationRow; added: string[] }> {
  const wanted = [...new Set(userIds)];
  // Primary key (conversation_id, user_id).
  const current: { user_id: string }[] = await tx.manager.query(
    `SELECT user_id FROM members
     WHERE conversation_id = $1 AND user_id = ANY($2::uuid[]) AND left_pos IS NULL`,
    [conversation.id, wanted],
  );
  const present = new Set(current.map((row) => row.user_id));
  const added = wanted.filter((id) => !present.has(id));
  if (added.length === 0) {
    return { conversation, added };
  }
  if (conversation.member_count + added.length > options.memberLimit) {
    throw ConversationError.tooManyMembers(options.memberLimit);
  }
  await tx.begin();
  const [updated] = await updateReturning<ConversationRow>(
    tx.manager,
    `UPDATE conversations SET member_count = member_count + $2, updated_at = now()
     WHERE id = $1 ${RETURNING}`,
    [conversation.id, added.length],
  );
  const pos = tx.record({
    orgId: updated.org_id,
    conversationId: updated.id,
    userId: null,
    type: 'member.added',
    data: { conversationId: updated.id, userIds: added, conversation: toConversation(updated) },
  });
  await tx.manager.query(
    `INSERT INTO members (conversation_id, user_id, org_id, role, read_seq, joined_seq, joined_pos)
     SELECT $1, u.id, $2, u.role, $3, $3, $4 FROM unnest($5::uuid[], $6::text[]) AS u(id, role)
     ON CONFLICT (conversation_id, user_id) DO UPDATE SET
       role = EXCLUDED.role, read_seq = EXCLUDED.read_seq, joined_seq = EXCLUDED.joined_seq,
       joined_pos = EXCLUDED.joined_pos, left_pos = NULL, pinned_at = NULL, hidden_seq = NULL,
       muted = false, joined_at = now()`,
    [
      updated.id,
      updated.org_id,
      updated.last_seq,
      pos,
      added,
      added.map((id) => (id === options.ownerId ? 'owner' : 'member')),
    ],
  );
  // A new stay beside the earlier ones: their changes still belong to a device behind.
  await tx.manager.query(
    `INSERT INTO member_windows (conversation_id, user_id, joined_pos)
     SELECT $1, id, $2 FROM unnest($3::uuid[]) AS id`,
    [updated.id, pos, added],
  );
  tx.emit('members.changed', {
    orgId: updated.org_id,
    conversationId: updated.id,
    addedUserIds: added,
    removedUserIds: [],
    actorId: options.actorId,
    occurredAt: new Date().toISOString(),
  });

  return { conversation: updated, added };
}

/**
 * Ends a user's membership: the member.removed change is the last one of the
 * conversation their devices receive until they are added again. The owner of a conversation whose last
 * member leaves is cleared. The caller holds the conversation's lock and has
 * checked the rules.
 */
export async function dismissMember(
  tx: ChangeTransaction,
  conversation: ConversationRow,
  userId: string,
  actorId: string,
): Promise<ConversationRow> {
  await tx.begin();
  const [updated] = await updateReturning<ConversationRow>(
    tx.manager,
    `UPDATE conversations SET member_count = member_count - 1, updated_at = now(),
       owner_id = CASE WHEN owner_id = $2 THEN NULL ELSE owner_id END
     WHERE id = $1 ${RETURNING}`,
    [conversation.id, userId],
  );
  const pos = tx.record({
    orgId: updated.org_id,
    conversationId: updated.id,
    userId: null,
    type: 'member.removed',
    data: { conversationId: updated.id, userId },
  });
  await tx.manager.query(
    `UPDATE members SET left_pos = $3, role = 'member', pinned_at = NULL
     WHERE conversation_id = $1 AND user_id = $2 AND left_pos IS NULL`,
    [updated.id, userId, pos],
  );
  // Primary key (conversation_id, user_id, joined_pos): the one open stay.
  await tx.manager.query(
    `UPDATE member_windows SET left_pos = $3
     WHERE conversation_id = $1 AND user_id = $2 AND left_pos IS NULL`,
    [updated.id, userId, pos],
  );
  tx.emit('members.changed', {
    orgId: updated.org_id,
    conversationId: updated.id,
    addedUserIds: [],
    removedUserIds: [userId],
    actorId,
    occurredAt: new Date().toISOString(),
  });

  return updated;
}
