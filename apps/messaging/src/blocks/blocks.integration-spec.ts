import { randomUUID } from 'node:crypto';

import { headers as natsHeaders } from 'nats';

import { ensureStream, eventSubject, serviceStream } from '@confer/events';
import { Caller } from '@confer/grpc';
import { messaging } from '@confer/proto';
import { freePort } from '@confer/testing';

import {
  errorCode,
  eventually,
  MessagingHarness,
  startMessaging,
} from '../../test-support/messaging-harness';
import { BlockChangedConsumer } from './block-changed.consumer';

const { ConversationKind, MessageKind } = messaging;

jest.setTimeout(60_000);

describe(BlockChangedConsumer.name, () => {
  let h: MessagingHarness;
  let version = 0;

  beforeAll(async () => {
    h = await startMessaging();
  });

  afterAll(async () => {
    await h?.close();
  });

  /** Publishes block.changed the way contacts' outbox relay does, and returns its event id. */
  async function publishBlock(
    blocker: Caller,
    blocked: Caller,
    isBlocked: boolean,
    at = ++version,
  ): Promise<string> {
    const jsm = await h.nats.jetstreamManager();
    await ensureStream(jsm, serviceStream(h.prefix, 'contacts'));
    const eventId = randomUUID();
    const headers = natsHeaders();
    headers.set('Nats-Msg-Id', eventId);
    await h.nats.jetstream().publish(
      eventSubject(h.prefix, 'contacts', 'block.changed'),
      JSON.stringify({
        eventId,
        orgId: h.orgId,
        blockerId: blocker.userId,
        blockedId: blocked.userId,
        blocked: isBlocked,
        version: String(at),
        occurredAt: new Date().toISOString(),
      }),
      { headers },
    );

    return eventId;
  }

  async function applied(eventId: string): Promise<void> {
    await eventually(async () => {
      const rows = await h.db.query('SELECT 1 FROM handled_events WHERE event_id = $1', [eventId]);
      expect(rows.rows).toHaveLength(1);
    });
  }

  function text(conversationId: string, clientMessageId = randomUUID()) {
    return {
      conversationId,
      clientMessageId,
      kind: MessageKind.MESSAGE_KIND_TEXT,
      text: 'hello',
      emoji: '',
    };
  }

  function group(owner: Caller, others: Caller[]) {
    return h.client.createConversation(owner, {
      kind: ConversationKind.CONVERSATION_KIND_GROUP,
      title: 'Room',
      memberIds: others.map((other) => other.userId),
      id: '',
      idempotencyKey: '',
    });
  }

  async function messageCount(conversationId: string): Promise<number> {
    const rows = await h.db.query(
      'SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1',
      [conversationId],
    );

    return rows.rows[0].n;
  }

  it('refuses a private message from a blocked person to the blocker, and writes nothing', async () => {
    const [blocker, blocked] = [h.user(), h.user()];
    const chat = await h.client.openPrivateConversation(blocked, { peerId: blocker.userId });
    const accepted = await h.client.sendMessage(blocked, text(chat.id, 'before'));

    await applied(await publishBlock(blocker, blocked, true));

    expect(await errorCode(h.client.sendMessage(blocked, text(chat.id)))).toBe('message.blocked');
    expect(await messageCount(chat.id)).toBe(1);
    // A retry of the message accepted before the block still answers that message.
    await expect(h.client.sendMessage(blocked, text(chat.id, 'before'))).resolves.toEqual({
      message: accepted.message,
      created: false,
    });
    // The blocker may still write to the person they blocked.
    await expect(h.client.sendMessage(blocker, text(chat.id))).resolves.toMatchObject({
      created: true,
    });
  });

  it('refuses a new private chat, a group and added members naming the blocker', async () => {
    const [blocker, blocked, friend] = [h.user(), h.user(), h.user()];
    const room = await group(blocked, [friend]);
    const before = await h.db.query('SELECT count(*)::int AS n FROM conversations');

    await applied(await publishBlock(blocker, blocked, true));

    const codes = await Promise.all([
      errorCode(h.client.openPrivateConversation(blocked, { peerId: blocker.userId })),
      errorCode(group(blocked, [friend, blocker])),
      errorCode(
        h.client.addMembers(blocked, { conversationId: room.id, userIds: [blocker.userId] }),
      ),
    ]);

    expect(codes).toEqual(['conversation.blocked', 'conversation.blocked', 'conversation.blocked']);
    const after = await h.db.query('SELECT count(*)::int AS n FROM conversations');
    expect(after.rows[0].n).toBe(before.rows[0].n);
    const members = await h.db.query(
      'SELECT user_id FROM members WHERE conversation_id = $1 AND left_pos IS NULL',
      [room.id],
    );
    expect(members.rows.map((row) => row.user_id).sort()).toEqual(
      [blocked.userId, friend.userId].sort(),
    );
    // The blocker may still bring the blocked person into a group of their own.
    await expect(group(blocker, [blocked])).resolves.toMatchObject({ memberCount: 2 });
  });

  it('lets messages flow in groups both are in', async () => {
    const [blocker, blocked] = [h.user(), h.user()];
    const room = await group(blocker, [blocked]);

    await applied(await publishBlock(blocker, blocked, true));

    await expect(h.client.sendMessage(blocked, text(room.id))).resolves.toMatchObject({
      created: true,
    });
  });

  it('lifts the block on unblock, and ignores an older change arriving late', async () => {
    const [blocker, blocked] = [h.user(), h.user()];
    const chat = await h.client.openPrivateConversation(blocked, { peerId: blocker.userId });
    const blockVersion = ++version;
    await applied(await publishBlock(blocker, blocked, true, blockVersion));
    await applied(await publishBlock(blocker, blocked, false));

    await expect(h.client.sendMessage(blocked, text(chat.id))).resolves.toMatchObject({
      created: true,
    });

    // A redelivered copy of the block, under a new event id, must not undo the unblock.
    await applied(await publishBlock(blocker, blocked, true, blockVersion));
    await expect(h.client.sendMessage(blocked, text(chat.id))).resolves.toMatchObject({
      created: true,
    });
  });

  it('keeps the blacklist and catches up on changes made while messaging was down', async () => {
    const [blocker, blocked, other] = [h.user(), h.user(), h.user()];
    const chat = await h.client.openPrivateConversation(blocked, { peerId: blocker.userId });
    const otherChat = await h.client.openPrivateConversation(other, { peerId: blocker.userId });
    await applied(await publishBlock(blocker, blocked, true));
    await h.app.close();

    // While messaging is down: another block is published.
    const whileDown = await publishBlock(blocker, other, true);
    const replica = await startMessaging({ join: h });
    try {
      await eventually(async () => {
        const rows = await replica.db.query('SELECT 1 FROM handled_events WHERE event_id = $1', [
          whileDown,
        ]);
        expect(rows.rows).toHaveLength(1);
      });

      const codes = await Promise.all([
        errorCode(replica.client.sendMessage(blocked, text(chat.id))),
        errorCode(replica.client.sendMessage(other, text(otherChat.id))),
      ]);

      expect(codes).toEqual(['message.blocked', 'message.blocked']);
    } finally {
      await replica.close();
    }
  });
});

describe('group creation policy', () => {
  let h: MessagingHarness;

  beforeAll(async () => {
    h = await startMessaging();
  });

  afterAll(async () => {
    await h?.close();
  });

  it('refuses a group chat and a discussion to someone the policy leaves out, writing nothing', async () => {
    const [restricted, friend] = [h.user(), h.user()];
    h.denyGroupCreation(restricted.userId);
    const request = {
      title: 'Room',
      memberIds: [friend.userId],
      idempotencyKey: '',
    };

    const codes = await Promise.all([
      errorCode(
        h.client.createConversation(restricted, {
          ...request,
          kind: ConversationKind.CONVERSATION_KIND_GROUP,
          id: '',
        }),
      ),
      errorCode(
        h.client.createConversation(restricted, {
          ...request,
          kind: ConversationKind.CONVERSATION_KIND_DISCUSSION,
          id: randomUUID(),
        }),
      ),
    ]);

    expect(codes).toEqual([
      'conversation.group_creation_restricted',
      'conversation.group_creation_restricted',
    ]);
    const written = await h.db.query(
      'SELECT count(*)::int AS n FROM conversations WHERE creator_id = $1',
      [restricted.userId],
    );
    expect(written.rows[0].n).toBe(0);
    // Private chats are not groups: the policy does not touch them.
    await expect(
      h.client.openPrivateConversation(restricted, { peerId: friend.userId }),
    ).resolves.toMatchObject({ kind: ConversationKind.CONVERSATION_KIND_PRIVATE });
    await expect(
      h.client.createConversation(friend, {
        ...request,
        memberIds: [restricted.userId],
        kind: ConversationKind.CONVERSATION_KIND_GROUP,
        id: '',
      }),
    ).resolves.toMatchObject({ memberCount: 2 });
  });

  it('fails closed with service.unavailable when contacts does not answer', async () => {
    const closedPort = await freePort();
    const isolated = await startMessaging({
      env: { CONTACTS_GRPC_URL: `127.0.0.1:${closedPort}` },
    });
    try {
      const creator = isolated.user();

      const code = await errorCode(
        isolated.client.createConversation(creator, {
          kind: ConversationKind.CONVERSATION_KIND_GROUP,
          title: 'Room',
          memberIds: [],
          id: '',
          idempotencyKey: '',
        }),
      );

      expect(code).toBe('service.unavailable');
      const written = await isolated.db.query('SELECT count(*)::int AS n FROM conversations');
      expect(written.rows[0].n).toBe(0);
    } finally {
      await isolated.close();
    }
  });
});
