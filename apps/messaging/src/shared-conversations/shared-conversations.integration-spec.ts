import { randomUUID } from 'node:crypto';

import { Caller } from '@confer/grpc';
import { messaging } from '@confer/proto';

import { MessagingHarness, startMessaging } from '../../test-support/messaging-harness';
import { SharedConversationsService } from './shared-conversations.service';

const { ConversationKind } = messaging;

describe(SharedConversationsService.name, () => {
  let h: MessagingHarness;

  beforeAll(async () => {
    h = await startMessaging();
  });

  afterAll(async () => {
    await h?.close();
  });

  function create(
    kind: messaging.ConversationKind,
    owner: Caller,
    others: Caller[],
    title: string,
  ) {
    return h.client.createConversation(owner, {
      kind,
      title,
      memberIds: others.map((other) => other.userId),
      id: kind === ConversationKind.CONVERSATION_KIND_DISCUSSION ? randomUUID() : '',
      idempotencyKey: '',
    });
  }

  it('lists only the groups and discussions both people are current members of', async () => {
    const [viewer, other, stranger] = [h.user(), h.user(), h.user()];
    const shared = await create(ConversationKind.CONVERSATION_KIND_GROUP, viewer, [other], 'Both');
    const discussion = await create(
      ConversationKind.CONVERSATION_KIND_DISCUSSION,
      other,
      [viewer],
      'Topic',
    );
    await create(ConversationKind.CONVERSATION_KIND_GROUP, other, [stranger], 'Without viewer');
    await create(ConversationKind.CONVERSATION_KIND_GROUP, viewer, [stranger], 'Without other');
    const left = await create(ConversationKind.CONVERSATION_KIND_GROUP, viewer, [other], 'Left');
    await h.client.leaveConversation(other, { conversationId: left.id });
    await h.client.openPrivateConversation(viewer, { peerId: other.userId });

    const { items } = await h.client.listSharedConversations(viewer, {
      otherUserId: other.userId,
      limit: 0,
    });

    expect(items.map((item) => item.id).sort()).toEqual([shared.id, discussion.id].sort());
    expect(items.every((item) => item.readSeq >= 0 && item.role !== undefined)).toBe(true);
    const limited = await h.client.listSharedConversations(viewer, {
      otherUserId: other.userId,
      limit: 1,
    });
    expect(limited.items).toHaveLength(1);
  });

  it('answers an empty list for oneself and for an id that is not one', async () => {
    const viewer = h.user();
    await create(ConversationKind.CONVERSATION_KIND_GROUP, viewer, [h.user()], 'Solo');

    const answers = await Promise.all([
      h.client.listSharedConversations(viewer, { otherUserId: viewer.userId, limit: 10 }),
      h.client.listSharedConversations(viewer, { otherUserId: 'not-an-id', limit: 10 }),
    ]);

    expect(answers.map((answer) => answer.items)).toEqual([[], []]);
  });
});
