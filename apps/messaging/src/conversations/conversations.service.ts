import { randomUUID } from 'node:crypto';

import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { Caller, isSystemCaller } from '@confer/grpc';
import { messaging } from '@confer/proto';

import { requireNotBlockedBy } from '../blocks/block-list';
import { ChangeStream } from '../changes/change-stream';
import { ChangeTransaction } from '../changes/change-transaction';
import { MESSAGING_CONFIG, MessagingConfig } from '../config';
import { UserDirectory } from '../directory/user-directory';
import { isStorableText } from '../storable-text';
import { ConversationError } from './conversation.errors';
import { ConversationRow, toConversation } from './conversation.mapper';
import {
  findByIdempotencyKey,
  findConversation,
  insertConversation,
  NewConversation,
  requireMembership,
} from './conversation.store';
import { isUuid, pairKey } from './ids';
import { admitMembers } from './membership-writes';

export const GROUP_TITLE_MAX = 100;
export const DISCUSSION_TITLE_MAX = 200;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

const { ConversationKind } = messaging;

/** Creating conversations of each kind, and reading one as its member. */
@Injectable()
export class ConversationsService {
  private readonly logger = new Logger(ConversationsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly changes: ChangeStream,
    private readonly directory: UserDirectory,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
  ) {}

  async get(caller: Caller, conversationId: string): Promise<messaging.Conversation> {
    const view = await requireMembership(this.dataSource.manager, conversationId, caller.userId);

    return toConversation(view, view);
  }

  async create(
    caller: Caller,
    request: messaging.CreateConversationRequest,
  ): Promise<messaging.Conversation> {
    switch (request.kind) {
      case ConversationKind.CONVERSATION_KIND_PRIVATE:
        return this.createPrivate(caller, request.memberIds ?? []);
      case ConversationKind.CONVERSATION_KIND_GROUP:
        return this.createGroup(caller, request);
      case ConversationKind.CONVERSATION_KIND_DISCUSSION:
        return this.createDiscussion(caller, request);
      case ConversationKind.CONVERSATION_KIND_BROADCAST:
        throw ConversationError.kindUnsupported(request.kind);
      default:
        throw ConversationError.kindInvalid(String(request.kind));
    }
  }

  /** The one private chat of the caller and the peer, created on first use. */
  async openPrivate(caller: Caller, peerId: string): Promise<messaging.Conversation> {
    if (peerId === caller.userId) {
      throw ConversationError.privateWithSelf();
    }
    if (!isUuid(peerId)) {
      throw ConversationError.unknownUsers([peerId]);
    }
    const key = pairKey(caller.userId, peerId);
    const existing = await findConversation(this.dataSource.manager, 'pair_key', key);
    if (existing) {
      return this.get(caller, existing.id);
    }
    await this.directory.requireActiveUsers(caller, [peerId]);
    await requireNotBlockedBy(this.dataSource.manager, caller.userId, [peerId]);
    // The pair's lock makes two first opens of the same pair create one chat.
    const id = await this.changes.run([`pair:${key}`], async (tx) => {
      const raced = await findConversation(tx.manager, 'pair_key', key);
      if (raced) {
        return raced.id;
      }

      return this.insertWithMembers(
        tx,
        caller,
        {
          ...this.newConversation(caller, 'private', ''),
          pairKey: key,
        },
        [caller.userId, peerId],
      );
    });

    return this.get(caller, id);
  }

  private async createPrivate(
    caller: Caller,
    memberIds: string[],
  ): Promise<messaging.Conversation> {
    const others = [...new Set(memberIds)].filter((id) => id !== caller.userId);
    if (others.length === 0 && memberIds.length > 0) {
      throw ConversationError.privateWithSelf();
    }
    if (others.length !== 1) {
      throw ConversationError.privateMembersFixed();
    }

    return this.openPrivate(caller, others[0]);
  }

  private async createGroup(
    caller: Caller,
    request: messaging.CreateConversationRequest,
  ): Promise<messaging.Conversation> {
    const title = validTitle(request.title, GROUP_TITLE_MAX);
    const key = request.idempotencyKey ? request.idempotencyKey : null;
    if (key !== null && !IDEMPOTENCY_KEY.test(key)) {
      throw ConversationError.idempotencyKeyInvalid();
    }
    if (key !== null) {
      const earlier = await findByIdempotencyKey(this.dataSource.manager, caller.userId, key);
      if (earlier) {
        return this.get(caller, earlier.id);
      }
    }
    const others = [...new Set(request.memberIds ?? [])].filter((id) => id !== caller.userId);
    this.checkSize(others.length + 1);
    await this.directory.requireGroupCreation(caller);
    await this.directory.requireActiveUsers(caller, others);
    await requireNotBlockedBy(this.dataSource.manager, caller.userId, others);
    const conversation = { ...this.newConversation(caller, 'group', title), idempotencyKey: key };
    const locks = [conversation.id, ...(key ? [`idempotency:${caller.userId}:${key}`] : [])];
    const id = await this.changes.run(locks, async (tx) => {
      const raced = key ? await findByIdempotencyKey(tx.manager, caller.userId, key) : undefined;
      if (raced) {
        return raced.id;
      }

      return this.insertWithMembers(tx, caller, conversation, [caller.userId, ...others]);
    });

    return this.get(caller, id);
  }

  /**
   * A discussion's conversation, created by the discussion service under the
   * discussion's id; creating it again returns it. A system caller creates it
   * without becoming a member (the first member named owns it).
   */
  private async createDiscussion(
    caller: Caller,
    request: messaging.CreateConversationRequest,
  ): Promise<messaging.Conversation> {
    if (!request.id) {
      throw ConversationError.idRequired();
    }
    if (!isUuid(request.id)) {
      throw ConversationError.idInvalid();
    }
    const id = request.id.toLowerCase();
    const system = isSystemCaller(caller);
    const title = validTitle(request.title, DISCUSSION_TITLE_MAX);
    const existing = await findConversation(this.dataSource.manager, 'id', id);
    if (existing) {
      return this.existingDiscussion(caller, existing);
    }
    const members = [
      ...new Set([...(system ? [] : [caller.userId]), ...(request.memberIds ?? [])]),
    ];
    this.checkSize(members.length);
    if (!system) {
      await this.directory.requireGroupCreation(caller);
    }
    const others = members.filter((member) => member !== caller.userId);
    await this.directory.requireActiveUsers(caller, others);
    if (!system) {
      await requireNotBlockedBy(this.dataSource.manager, caller.userId, others);
    }
    const ownerId = system ? (members[0] ?? null) : caller.userId;
    const created = await this.changes.run([id], async (tx) => {
      const raced = await findConversation(tx.manager, 'id', id);
      if (raced) {
        return raced;
      }
      const conversation = { ...this.newConversation(caller, 'discussion', title), id, ownerId };
      await this.insertWithMembers(tx, caller, conversation, members);

      return undefined;
    });

    return created ? this.existingDiscussion(caller, created) : this.viewFor(caller, id);
  }

  private async existingDiscussion(
    caller: Caller,
    existing: ConversationRow,
  ): Promise<messaging.Conversation> {
    if (existing.kind !== 'discussion') {
      throw ConversationError.idTaken(existing.id);
    }

    return this.viewFor(caller, existing.id);
  }

  /** A system caller sees any conversation without a membership; a user only their own. */
  private async viewFor(caller: Caller, id: string): Promise<messaging.Conversation> {
    if (!isSystemCaller(caller)) {
      return this.get(caller, id);
    }
    const row = await findConversation(this.dataSource.manager, 'id', id);
    if (!row) {
      throw ConversationError.notFound(id);
    }

    return toConversation(row);
  }

  private async insertWithMembers(
    tx: ChangeTransaction,
    caller: Caller,
    conversation: NewConversation,
    memberIds: string[],
  ): Promise<string> {
    const row = await insertConversation(tx.manager, conversation);
    await admitMembers(tx, row, memberIds, {
      actorId: caller.userId,
      ownerId: conversation.ownerId,
      memberLimit: this.config.groupMemberLimit,
    });
    tx.emit('conversation.created', {
      orgId: row.org_id,
      conversationId: row.id,
      kind: row.kind,
      creatorId: caller.userId,
      occurredAt: row.created_at.toISOString(),
    });
    this.logger.log({ conversationId: row.id, kind: row.kind }, 'conversation created');

    return row.id;
  }

  private newConversation(
    caller: Caller,
    kind: NewConversation['kind'],
    title: string,
  ): NewConversation {
    return {
      id: randomUUID(),
      orgId: caller.orgId,
      kind,
      title,
      ownerId: kind === 'group' ? caller.userId : null,
      creatorId: caller.userId,
      idempotencyKey: null,
      pairKey: null,
    };
  }

  private checkSize(count: number): void {
    if (count > this.config.groupMemberLimit) {
      throw ConversationError.tooManyMembers(this.config.groupMemberLimit);
    }
  }
}

/** A title trimmed, of 1 to `max` characters (code points). */
function validTitle(raw: string | undefined, max: number): string {
  const title = (raw ?? '').trim();
  if (!isStorableText(title)) {
    throw ConversationError.titleCharactersInvalid();
  }
  const length = [...title].length;
  if (length === 0 || length > max) {
    throw ConversationError.titleInvalid(max);
  }

  return title;
}
