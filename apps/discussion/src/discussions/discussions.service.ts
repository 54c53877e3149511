import { randomUUID } from 'node:crypto';

import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';

import { ConferError } from '@confer/errors';
import { OutboxPublisher, writeOutbox } from '@confer/events';
import { Caller } from '@confer/grpc';
import { messaging } from '@confer/proto';

import { MESSAGING, MessagingClient } from '../directory/messaging-client';
import { Discussion } from './discussion.entity';
import {
  discussionIdFor,
  isUuid,
  validIdempotencyKey,
  validTopic,
  validUserIds,
} from './discussion-input';
import { DiscussionError } from './discussions.errors';

/** A discussion with what messaging knows of its conversation. */
export interface DiscussionView {
  discussion: Discussion;
  memberCount: number;
}

export interface CreateDiscussionInput {
  topic: string;
  memberIds: string[];
  idempotencyKey: string;
}

@Injectable()
export class DiscussionsService {
  private readonly logger = new Logger(DiscussionsService.name);
  private readonly discussions: Repository<Discussion>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(MESSAGING) private readonly messaging: MessagingClient,
    private readonly outbox: OutboxPublisher,
  ) {
    this.discussions = dataSource.getRepository(Discussion);
  }

  /**
   * Creates the conversation in messaging under the discussion's id (messaging
   * checks the members and makes the caller one), then stores the discussion
   * and its discussion.created event together. A retry with the same key
   * returns the first discussion.
   */
  async create(caller: Caller, input: CreateDiscussionInput): Promise<DiscussionView> {
    const topic = validTopic(input.topic);
    const memberIds = validUserIds('memberIds', input.memberIds);
    const key = validIdempotencyKey(input.idempotencyKey);
    if (key) {
      const earlier = await this.discussions.findOneBy({
        creatorId: caller.userId,
        idempotencyKey: key,
      });
      if (earlier) {
        return this.view(caller, earlier);
      }
    }
    const id = key ? discussionIdFor(caller.userId, key) : randomUUID();
    const conversation = await this.messaging.createConversation(caller, {
      kind: messaging.ConversationKind.CONVERSATION_KIND_DISCUSSION,
      id,
      title: topic,
      memberIds,
      idempotencyKey: '',
    });
    const stored = await this.dataSource.transaction(async (manager) => {
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(Discussion)
        .values({
          id,
          orgId: caller.orgId,
          topic,
          creatorId: caller.userId,
          idempotencyKey: key ?? null,
        })
        .orIgnore()
        .execute();
      if ((inserted.raw as unknown[]).length === 0) {
        // A concurrent retry with the same key stored it first; its event is already written.
        return undefined;
      }
      await writeOutbox(manager, [
        {
          subject: this.outbox.subject('discussion.created'),
          payload: {
            orgId: caller.orgId,
            discussionId: id,
            topic,
            creatorId: caller.userId,
            occurredAt: new Date().toISOString(),
          },
        },
      ]);

      return id;
    });
    if (stored) {
      this.outbox.notify();
      this.logger.log({ discussionId: id, orgId: caller.orgId }, 'discussion created');
    }

    return {
      discussion: await this.discussions.findOneByOrFail({ id }),
      memberCount: conversation.memberCount,
    };
  }

  /** A discussion, to its members only: messaging answers NOT_FOUND to anyone else. */
  async get(caller: Caller, discussionId: string): Promise<DiscussionView> {
    return this.view(caller, await this.stored(discussionId));
  }

  /** Adds members through messaging, which lets any member add people. */
  async addMembers(
    caller: Caller,
    discussionId: string,
    userIds: string[],
  ): Promise<DiscussionView> {
    const discussion = await this.stored(discussionId);
    const conversation = await this.asMember(discussionId, () =>
      this.messaging.addMembers(caller, {
        conversationId: discussion.id,
        userIds: validUserIds('userIds', userIds),
      }),
    );

    return { discussion, memberCount: conversation.memberCount };
  }

  private async stored(discussionId: string): Promise<Discussion> {
    const discussion = isUuid(discussionId)
      ? await this.discussions.findOneBy({ id: discussionId.toLowerCase() })
      : null;
    if (!discussion) {
      throw DiscussionError.notFound(discussionId);
    }

    return discussion;
  }

  private async view(caller: Caller, discussion: Discussion): Promise<DiscussionView> {
    const conversation = await this.asMember(discussion.id, () =>
      this.messaging.getConversation(caller, { conversationId: discussion.id }),
    );

    return { discussion, memberCount: conversation.memberCount };
  }

  /** Messaging's "no such conversation" is, to this caller, no such discussion. */
  private async asMember<T>(discussionId: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ConferError && error.code === 'conversation.not_found') {
        throw DiscussionError.notFound(discussionId);
      }
      throw error;
    }
  }
}
