import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

import { decodeCursor, encodeCursor, pageLimit } from '@confer/database';
import { Caller, isSystemCaller } from '@confer/grpc';
import { messaging } from '@confer/proto';

import { requireNotBlockedBy } from '../blocks/block-list';
import { ChangeStream } from '../changes/change-stream';
import { MESSAGING_CONFIG, MessagingConfig } from '../config';
import { UserDirectory } from '../directory/user-directory';
import { ConversationError } from './conversation.errors';
import { ConversationRow, RoleName, ROLE_TO_PROTO, toConversation } from './conversation.mapper';
import { findConversation, MemberView, requireMembership } from './conversation.store';
import { isUuid } from './ids';
import { admitMembers, dismissMember } from './membership-writes';
import { updateReturning } from '../sql';

export const MEMBERS_PAGE_DEFAULT = 100;
export const MEMBERS_PAGE_MAX = 500;

/** Who acts on a conversation: a current member with a role, or the platform itself. */
interface Actor {
  conversation: ConversationRow;
  role: RoleName | 'system';
  membership?: MemberView;
}

interface MemberListRow {
  user_id: string;
  role: RoleName;
  read_seq: string;
  joined_at: Date;
}

/**
 * Membership rules: any member adds members; only the owner removes others or
 * hands ownership on; a member may leave, the owner only once alone or after
 * handing ownership on. Private chats keep their two members.
 */
@Injectable()
export class MembersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly changes: ChangeStream,
    private readonly directory: UserDirectory,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
  ) {}

  async list(caller: Caller, request: messaging.ListMembersRequest): Promise<messaging.MemberPage> {
    await this.actor(this.dataSource.manager, caller, request.conversationId);
    const limit = pageLimit(request.limit, MEMBERS_PAGE_DEFAULT, MEMBERS_PAGE_MAX);
    const after = request.cursor ? decodeCursor(request.cursor, { u: 'uuid' }).u : null;
    // Primary key (conversation_id, user_id), walked in user id order.
    const rows: MemberListRow[] = await this.dataSource.query(
      `SELECT user_id, role, read_seq, joined_at FROM members
       WHERE conversation_id = $1 AND left_pos IS NULL AND ($2::uuid IS NULL OR user_id > $2::uuid)
       ORDER BY user_id LIMIT $3`,
      [request.conversationId, after, limit + 1],
    );
    const page = rows.slice(0, limit);

    return {
      items: page.map((row) => ({
        userId: row.user_id,
        role: ROLE_TO_PROTO[row.role],
        readSeq: Number(row.read_seq),
        joinedAt: row.joined_at.toISOString(),
      })),
      nextCursor: rows.length > limit ? encodeCursor({ u: page[page.length - 1].user_id }) : '',
    };
  }

  async add(caller: Caller, request: messaging.AddMembersRequest): Promise<messaging.Conversation> {
    const { conversation } = await this.actor(
      this.dataSource.manager,
      caller,
      request.conversationId,
    );
    fixedMembership(conversation);
    const userIds = [...new Set(request.userIds ?? [])];
    await this.directory.requireActiveUsers(caller, userIds);
    await requireNotBlockedBy(this.dataSource.manager, caller.userId, userIds);
    await this.changes.run([conversation.id], async (tx) => {
      const current = await this.actor(tx.manager, caller, conversation.id);
      await admitMembers(tx, current.conversation, userIds, {
        actorId: caller.userId,
        memberLimit: this.config.groupMemberLimit,
      });
    });

    return this.view(caller, conversation.id);
  }

  async remove(
    caller: Caller,
    request: messaging.RemoveMemberRequest,
  ): Promise<messaging.Conversation> {
    if (request.userId === caller.userId) {
      return this.leave(caller, request.conversationId);
    }
    const { conversation } = await this.actor(
      this.dataSource.manager,
      caller,
      request.conversationId,
    );
    fixedMembership(conversation);
    await this.changes.run([conversation.id], async (tx) => {
      const current = await this.actor(tx.manager, caller, conversation.id);
      requireOwner(current);
      if (isUuid(request.userId) && (await isMember(tx.manager, conversation.id, request.userId))) {
        await dismissMember(tx, current.conversation, request.userId, caller.userId);
      }
    });

    return this.view(caller, conversation.id);
  }

  /** Returns the conversation as it stands after the caller left (without their membership). */
  async leave(caller: Caller, conversationId: string): Promise<messaging.Conversation> {
    const view = await requireMembership(this.dataSource.manager, conversationId, caller.userId);
    fixedMembership(view);
    const updated = await this.changes.run([view.id], async (tx) => {
      const current = await requireMembership(tx.manager, view.id, caller.userId);
      if (current.role === 'owner' && current.member_count > 1) {
        throw ConversationError.ownerMustTransfer();
      }

      return dismissMember(tx, current, caller.userId, caller.userId);
    });

    return toConversation(updated);
  }

  async transferOwnership(
    caller: Caller,
    request: messaging.TransferOwnershipRequest,
  ): Promise<messaging.Conversation> {
    const { conversation } = await this.actor(
      this.dataSource.manager,
      caller,
      request.conversationId,
    );
    fixedMembership(conversation);
    await this.changes.run([conversation.id], async (tx) => {
      const current = await this.actor(tx.manager, caller, conversation.id);
      requireOwner(current);
      const target = request.newOwnerId;
      if (!isUuid(target) || !(await isMember(tx.manager, conversation.id, target))) {
        throw ConversationError.notAMember(target);
      }
      if (target === current.conversation.owner_id) {
        return;
      }
      await tx.begin();
      await tx.manager.query(
        `UPDATE members SET role = CASE WHEN user_id = $2 THEN 'owner' ELSE 'member' END
         WHERE conversation_id = $1 AND left_pos IS NULL AND (user_id = $2 OR role = 'owner')`,
        [conversation.id, target],
      );
      const [updated] = await updateReturning<ConversationRow>(
        tx.manager,
        `UPDATE conversations SET owner_id = $2, updated_at = now() WHERE id = $1
         RETURNING id, org_id, kind, title, owner_id, last_seq, last_message_at, created_at, member_count`,
        [conversation.id, target],
      );
      tx.record({
        orgId: updated.org_id,
        conversationId: updated.id,
        userId: null,
        type: 'conversation.updated',
        data: { conversation: toConversation(updated) },
      });
    });

    return this.view(caller, conversation.id);
  }

  /** The caller as a current member, or the platform acting on a discussion. */
  private async actor(
    manager: EntityManager,
    caller: Caller,
    conversationId: string,
  ): Promise<Actor> {
    if (isSystemCaller(caller) && isUuid(conversationId)) {
      const conversation = await findConversation(manager, 'id', conversationId);
      if (!conversation || conversation.kind !== 'discussion') {
        throw ConversationError.notFound(conversationId);
      }

      return { conversation, role: 'system' };
    }
    const view = await requireMembership(manager, conversationId, caller.userId);

    return { conversation: view, role: view.role, membership: view };
  }

  private async view(caller: Caller, conversationId: string): Promise<messaging.Conversation> {
    const { conversation, membership } = await this.actor(
      this.dataSource.manager,
      caller,
      conversationId,
    );

    return toConversation(conversation, membership);
  }
}

function fixedMembership(conversation: ConversationRow): void {
  if (conversation.kind === 'private') {
    throw ConversationError.privateMembersFixed();
  }
}

function requireOwner(actor: Actor): void {
  if (actor.role !== 'owner' && actor.role !== 'system') {
    throw ConversationError.notOwner();
  }
}

async function isMember(
  manager: EntityManager,
  conversationId: string,
  userId: string,
): Promise<boolean> {
  // Primary key (conversation_id, user_id).
  const rows: unknown[] = await manager.query(
    'SELECT 1 FROM members WHERE conversation_id = $1 AND user_id = $2 AND left_pos IS NULL',
    [conversationId, userId],
  );

  return rows.length > 0;
}
