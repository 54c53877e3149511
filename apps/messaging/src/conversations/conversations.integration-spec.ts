import { randomUUID } from 'node:crypto';

import { SYSTEM_USER_ID, systemCaller } from '@confer/grpc';
import { messaging } from '@confer/proto';

import { errorCode, MessagingHarness, startMessaging } from '../../test-support/messaging-harness';
import { ConversationsService } from './conversations.service';

const { ConversationKind, MemberRole } = messaging;

describe(ConversationsService.name, () => {
  let h: MessagingHarness;

  beforeAll(async () => {
    h = await startMessaging({ env: { GROUP_MEMBER_LIMIT: '5' } });
  });

  afterAll(async () => {
    await h?.close();
  });

  async function group(owner = h.user(), others = [h.user(), h.user()]) {
    const conversation = await h.client.createConversation(owner, {
      kind: ConversationKind.CONVERSATION_KIND_GROUP,
      title: '  Launch team ',
      memberIds: others.map((o) => o.userId),
      id: '',
      idempotencyKey: '',
    });

    return { conversation, owner, others };
  }

  describe('private chats', () => {
    it('gives a pair the same conversation from either side, also when opened concurrently', async () => {
      const [alice, bob] = [h.user(), h.user()];
      const opened = await Promise.all([
        h.client.openPrivateConversation(alice, { peerId: bob.userId }),
        h.client.openPrivateConversation(bob, { peerId: alice.userId }),
        h.client.openPrivateConversation(alice, { peerId: bob.userId }),
      ]);

      expect(new Set(opened.map((c) => c.id)).size).toBe(1);
      expect(opened[0]).toMatchObject({
        kind: ConversationKind.CONVERSATION_KIND_PRIVATE,
        memberCount: 2,
      });
      const rows = await h.db.query(
        'SELECT count(*)::int AS n FROM conversations WHERE kind = $1',
        ['private'],
      );
      expect(rows.rows[0].n).toBe(1);
    });

    it('refuses a chat with yourself and with unknown or disabled users', async () => {
      const alice = h.user();
      const disabled = h.user('USER_STATUS_DISABLED');

      expect(
        await errorCode(h.client.openPrivateConversation(alice, { peerId: alice.userId })),
      ).toBe('conversation.private_with_self');
      expect(
        await errorCode(h.client.openPrivateConversation(alice, { peerId: randomUUID() })),
      ).toBe('conversation.unknown_users');
      expect(
        await errorCode(h.client.openPrivateConversation(alice, { peerId: disabled.userId })),
      ).toBe('conversation.unknown_users');
    });

    it('keeps its two members', async () => {
      const [alice, bob] = [h.user(), h.user()];
      const chat = await h.client.openPrivateConversation(alice, { peerId: bob.userId });

      expect(
        await errorCode(
          h.client.addMembers(alice, { conversationId: chat.id, userIds: [h.user().userId] }),
        ),
      ).toBe('conversation.private_members_fixed');
      expect(
        await errorCode(
          h.client.removeMember(alice, { conversationId: chat.id, userId: bob.userId }),
        ),
      ).toBe('conversation.private_members_fixed');
    });
  });

  describe('groups', () => {
    it('makes the creator owner, trims the title and counts members', async () => {
      const { conversation, owner } = await group();

      expect(conversation).toMatchObject({
        kind: ConversationKind.CONVERSATION_KIND_GROUP,
        title: 'Launch team',
        ownerId: owner.userId,
        memberCount: 3,
        role: MemberRole.MEMBER_ROLE_OWNER,
      });
    });

    it('rejects a missing or too long title, unknown members and too many members', async () => {
      const owner = h.user();
      const create = (title: string, memberIds: string[]) =>
        h.client.createConversation(owner, {
          kind: ConversationKind.CONVERSATION_KIND_GROUP,
          title,
          memberIds,
          id: '',
          idempotencyKey: '',
        });
      const before = await h.db.query('SELECT count(*)::int AS n FROM conversations');

      expect(await errorCode(create('  ', []))).toBe('conversation.title_invalid');
      expect(await errorCode(create('x'.repeat(101), []))).toBe('conversation.title_invalid');
      expect(await errorCode(create('nul\u0000title', []))).toBe('conversation.title_invalid');
      const unknown = randomUUID();
      await expect(create('Team', [unknown])).rejects.toMatchObject({
        code: 'conversation.unknown_users',
        details: { userIds: [unknown] },
      });
      const six = Array.from({ length: 5 }, () => h.user().userId);
      expect(await errorCode(create('Team', six))).toBe('conversation.too_many_members');
      const after = await h.db.query('SELECT count(*)::int AS n FROM conversations');
      expect(after.rows[0].n).toBe(before.rows[0].n);
    });

    it('returns the first group for a repeated idempotency key', async () => {
      const owner = h.user();
      const request = {
        kind: ConversationKind.CONVERSATION_KIND_GROUP,
        title: 'Once',
        memberIds: [],
        id: '',
        idempotencyKey: 'create-1',
      };
      const [first, second] = await Promise.all([
        h.client.createConversation(owner, request),
        h.client.createConversation(owner, request),
      ]);

      expect(second.id).toBe(first.id);
    });

    it('lets any member add, treats adding a member as a no-op and enforces the limit', async () => {
      const { conversation, others } = await group();
      const newcomer = h.user();
      const added = await h.client.addMembers(others[0], {
        conversationId: conversation.id,
        userIds: [newcomer.userId, others[1].userId],
      });

      expect(added.memberCount).toBe(4);
      const again = await h.client.addMembers(others[0], {
        conversationId: conversation.id,
        userIds: [newcomer.userId],
      });
      expect(again.memberCount).toBe(4);
      expect(
        await errorCode(
          h.client.addMembers(others[0], {
            conversationId: conversation.id,
            userIds: [h.user().userId, h.user().userId],
          }),
        ),
      ).toBe('conversation.too_many_members');
    });

    it('lets only the owner remove others, and a removed member no longer sees the group', async () => {
      const { conversation, owner, others } = await group();

      expect(
        await errorCode(
          h.client.removeMember(others[0], {
            conversationId: conversation.id,
            userId: others[1].userId,
          }),
        ),
      ).toBe('conversation.not_owner');
      const after = await h.client.removeMember(owner, {
        conversationId: conversation.id,
        userId: others[1].userId,
      });
      expect(after.memberCount).toBe(2);
      expect(
        await errorCode(h.client.getConversation(others[1], { conversationId: conversation.id })),
      ).toBe('conversation.not_found');
    });

    it('lets a member leave, and the owner only after transferring or when alone', async () => {
      const { conversation, owner, others } = await group(h.user(), [h.user()]);

      expect(
        await errorCode(h.client.leaveConversation(owner, { conversationId: conversation.id })),
      ).toBe('conversation.owner_must_transfer');
      expect(
        await errorCode(
          h.client.transferOwnership(others[0], {
            conversationId: conversation.id,
            newOwnerId: owner.userId,
          }),
        ),
      ).toBe('conversation.not_owner');
      expect(
        await errorCode(
          h.client.transferOwnership(owner, {
            conversationId: conversation.id,
            newOwnerId: h.user().userId,
          }),
        ),
      ).toBe('conversation.not_a_member');
      const transferred = await h.client.transferOwnership(owner, {
        conversationId: conversation.id,
        newOwnerId: others[0].userId,
      });
      expect(transferred).toMatchObject({
        ownerId: others[0].userId,
        role: MemberRole.MEMBER_ROLE_MEMBER,
      });
      await h.client.leaveConversation(owner, { conversationId: conversation.id });
      await h.client.leaveConversation(others[0], { conversationId: conversation.id });
      const left = await h.db.query(
        'SELECT member_count, owner_id FROM conversations WHERE id = $1',
        [conversation.id],
      );
      expect(left.rows[0]).toEqual({ member_count: 0, owner_id: null });
    });

    it('answers not found to non-members for every call', async () => {
      const { conversation } = await group();
      const stranger = h.user();
      const conversationId = conversation.id;
      const calls = [
        () => h.client.getConversation(stranger, { conversationId }),
        () => h.client.listMembers(stranger, { conversationId, limit: 0, cursor: '' }),
        () => h.client.addMembers(stranger, { conversationId, userIds: [stranger.userId] }),
        () => h.client.leaveConversation(stranger, { conversationId }),
        () =>
          h.client.listMessages(stranger, {
            conversationId,
            direction: 0 as never,
            limit: 0,
            cursor: '',
            seq: 0,
          }),
        () =>
          h.client.sendMessage(stranger, {
            conversationId,
            clientMessageId: 'm1',
            kind: messaging.MessageKind.MESSAGE_KIND_TEXT,
            text: 'hi',
            emoji: '',
          }),
        () => h.client.markRead(stranger, { conversationId, seq: 1 }),
        () => h.client.pinSession(stranger, { conversationId }),
        () => h.client.getConversation(stranger, { conversationId: 'not-a-uuid' }),
      ];

      for (const call of calls) {
        expect(await errorCode(call())).toBe('conversation.not_found');
      }
    });

    it('pages members by cursor', async () => {
      const { conversation, owner } = await group(h.user(), [h.user(), h.user(), h.user()]);
      const first = await h.client.listMembers(owner, {
        conversationId: conversation.id,
        limit: 3,
        cursor: '',
      });
      const second = await h.client.listMembers(owner, {
        conversationId: conversation.id,
        limit: 3,
        cursor: first.nextCursor,
      });

      expect(first.items).toHaveLength(3);
      expect(second.items).toHaveLength(1);
      expect(second.nextCursor).toBe('');
      expect(new Set([...first.items, ...second.items].map((m) => m.userId)).size).toBe(4);
    });

    it.each([
      ['names no user', { u: 'me' }],
      ['holds a number', { u: 7 }],
    ])('rejects a members cursor that %s with request.cursor_invalid', async (_name, position) => {
      const { conversation, owner } = await group(h.user(), [h.user()]);
      const cursor = Buffer.from(JSON.stringify(position)).toString('base64url');

      expect(
        await errorCode(
          h.client.listMembers(owner, { conversationId: conversation.id, limit: 3, cursor }),
        ),
      ).toBe('request.cursor_invalid');
    });
  });

  describe('discussions and broadcasts', () => {
    it('creates a discussion under its id once, and refuses one without an id', async () => {
      const [member, other] = [h.user(), h.user()];
      const id = randomUUID();
      const request = {
        kind: ConversationKind.CONVERSATION_KIND_DISCUSSION,
        title: 'Quarterly numbers',
        memberIds: [member.userId, other.userId],
        id,
        idempotencyKey: '',
      };
      const system = systemCaller(h.orgId, randomUUID());
      const [first, second] = await Promise.all([
        h.client.createConversation(system, request),
        h.client.createConversation(system, request),
      ]);

      expect(first).toMatchObject({
        id,
        title: 'Quarterly numbers',
        memberCount: 2,
        ownerId: member.userId,
      });
      expect(second.id).toBe(id);
      expect(await errorCode(h.client.createConversation(member, { ...request, id: '' }))).toBe(
        'conversation.id_required',
      );
      const seen = await h.client.getConversation(other, { conversationId: id });
      expect(seen.kind).toBe(ConversationKind.CONVERSATION_KIND_DISCUSSION);
      expect(system.userId).toBe(SYSTEM_USER_ID);
    });

    it('rejects broadcasts for now', async () => {
      expect(
        await errorCode(
          h.client.createConversation(h.user(), {
            kind: ConversationKind.CONVERSATION_KIND_BROADCAST,
            title: 'News',
            memberIds: [],
            id: '',
            idempotencyKey: '',
          }),
        ),
      ).toBe('conversation.kind_unsupported');
    });
  });
});
