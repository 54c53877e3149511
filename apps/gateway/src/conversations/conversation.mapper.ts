import { messaging } from '@confer/proto';

import { nextCursorOf } from '../http/paging.dto';
import {
  ConversationDto,
  ConversationKindName,
  MemberDto,
  MemberPageDto,
  MemberRoleName,
} from './conversations.dto';

const KIND_NAMES: Partial<Record<messaging.ConversationKind, ConversationKindName>> = {
  [messaging.ConversationKind.CONVERSATION_KIND_PRIVATE]: 'private',
  [messaging.ConversationKind.CONVERSATION_KIND_GROUP]: 'group',
  [messaging.ConversationKind.CONVERSATION_KIND_DISCUSSION]: 'discussion',
  [messaging.ConversationKind.CONVERSATION_KIND_BROADCAST]: 'broadcast',
};

const ROLE_NAMES: Partial<Record<messaging.MemberRole, MemberRoleName>> = {
  [messaging.MemberRole.MEMBER_ROLE_OWNER]: 'owner',
  [messaging.MemberRole.MEMBER_ROLE_MANAGER]: 'manager',
  [messaging.MemberRole.MEMBER_ROLE_MEMBER]: 'member',
};

export function kindName(kind: messaging.ConversationKind): ConversationKindName {
  return KIND_NAMES[kind] ?? 'group';
}

export function roleName(role: messaging.MemberRole): MemberRoleName {
  return ROLE_NAMES[role] ?? 'member';
}

/** Proto's empty strings for "not set" become null in the API. */
export function orNull(value: string | undefined): string | null {
  return value ? value : null;
}

export function toConversationDto(conversation: messaging.Conversation): ConversationDto {
  return {
    id: conversation.id,
    orgId: conversation.orgId,
    kind: kindName(conversation.kind),
    title: conversation.title,
    ownerId: orNull(conversation.ownerId),
    lastSeq: conversation.lastSeq,
    createdAt: conversation.createdAt,
    lastMessageAt: orNull(conversation.lastMessageAt),
    memberCount: conversation.memberCount,
    readSeq: conversation.readSeq,
    role: roleName(conversation.role),
  };
}

export function toMemberDto(member: messaging.Member): MemberDto {
  return {
    userId: member.userId,
    role: roleName(member.role),
    readSeq: member.readSeq,
    joinedAt: member.joinedAt,
  };
}

export function toMemberPageDto(page: messaging.MemberPage): MemberPageDto {
  return { items: page.items.map(toMemberDto), nextCursor: nextCursorOf(page.nextCursor) };
}
