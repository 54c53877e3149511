import { messaging } from '@confer/proto';

export type KindName = 'private' | 'group' | 'discussion' | 'broadcast';
export type RoleName = 'member' | 'owner' | 'manager';

/** A conversations row as the queries in this app select it. */
export interface ConversationRow {
  id: string;
  org_id: string;
  kind: KindName;
  title: string;
  owner_id: string | null;
  last_seq: string;
  last_message_at: Date | null;
  created_at: Date;
  member_count: number;
}

/** The caller's own membership, selected beside a conversation. */
export interface MembershipColumns {
  role: RoleName;
  read_seq: string;
  joined_seq: string;
}

const { ConversationKind, MemberRole } = messaging;

export const KIND_TO_PROTO: Record<KindName, messaging.ConversationKind> = {
  private: ConversationKind.CONVERSATION_KIND_PRIVATE,
  group: ConversationKind.CONVERSATION_KIND_GROUP,
  discussion: ConversationKind.CONVERSATION_KIND_DISCUSSION,
  broadcast: ConversationKind.CONVERSATION_KIND_BROADCAST,
};

export const ROLE_TO_PROTO: Record<RoleName, messaging.MemberRole> = {
  member: MemberRole.MEMBER_ROLE_MEMBER,
  owner: MemberRole.MEMBER_ROLE_OWNER,
  manager: MemberRole.MEMBER_ROLE_MANAGER,
};

/**
 * The Conversation message. Without a membership (the snapshot carried by
 * member.added and conversation.updated, which all members share) read_seq is
 * 0 and role unspecified.
 */
export function toConversation(
  row: ConversationRow,
  membership?: Pick<MembershipColumns, 'role' | 'read_seq'>,
): messaging.Conversation {
  return {
    id: row.id,
    orgId: row.org_id,
    kind: KIND_TO_PROTO[row.kind],
    title: row.title,
    ownerId: row.owner_id ?? '',
    lastSeq: Number(row.last_seq),
    createdAt: row.created_at.toISOString(),
    lastMessageAt: row.last_message_at ? row.last_message_at.toISOString() : '',
    memberCount: row.member_count,
    readSeq: membership ? Number(membership.read_seq) : 0,
    role: membership ? ROLE_TO_PROTO[membership.role] : MemberRole.MEMBER_ROLE_UNSPECIFIED,
  };
}
