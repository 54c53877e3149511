import { randomUUID } from 'node:crypto';

import { Caller, systemCaller } from '@confer/grpc';
import { messaging } from '@confer/proto';

import { errorCode, MessagingHarness, startMessaging } from '../../test-support/messaging-harness';
import { RecentSessionsService } from './recent-sessions.service';

const { ConversationKind, MessageKind, RecentView, UnreadStyle } = messaging;

describe(RecentSessionsService.name, () => {
  let h: MessagingHarness;

  beforeAll(async () => {
    h = await startMessaging();
  });

  afterAll(async () => {
    await h?.close();
  });

  let sent = 0;
  function say(from: Caller, conversationId: string, body = 'hi') {
    sent += 1;

    return h.client.sendMessage(from, {
      conversationId,
      clientMessageId: `r${sent}`,
      kind: MessageKind.MESSAGE_KIND_TEXT,
      text: body,
      emoji: '',
    });
  }

  function group(owner: Caller, others: Caller[], title: string) {
    return h.client.createConversation(owner, {
      kind: ConversationKind.CONVERSATION_KIND_GROUP,
      title,
      memberIds: others.map((o) => o.userId),
      id: '',
      idempotencyKey: '',
    });
  }

  async function list(user: Caller, view: messaging.RecentView, limit = 50, cursor = '') {
    return h.client.listRecentSessions(user, { view, limit, cursor });
  }

  async function all(user: Caller, view: messaging.RecentView, limit: number) {
    const items: messaging.RecentSession[] = [];
    let cursor = '';
    do {
      const page = await list(user, view, limit, cursor);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);

    return items;
  }

  /** A name per entry: the conversation title or peer, or the folder's kind. */
  function names(items: messaging.RecentSession[], labels: Map<string, string>): string[] {
    return items.map((s) =>
      s.folder ? `folder:${s.folder.kind}` : labels.get(s.conversation!.id)!,
    );
  }

  it.each([
    ['a fractional pin flag', { p: 0.5, a: 1, i: randomUUID() }],
    ['a pin flag above 1', { p: 2, a: 1, i: randomUUID() }],
    ['an activity of 1e300', { p: 0, a: 1e300, i: randomUUID() }],
    ['an id that is neither a conversation nor a folder', { p: 0, a: 1, i: 'x' }],
  ])('rejects a cursor with %s as request.cursor_invalid', async (_name, key) => {
    const cursor = Buffer.from(JSON.stringify(key)).toString('base64url');

    expect(await errorCode(list(h.user(), RecentView.RECENT_VIEW_FLAT, 10, cursor))).toBe(
      'request.cursor_invalid',
    );
  });

  it('counts unread messages in private chats and shows a dot for groups', async () => {
    const [me, peer] = [h.user(), h.user()];
    const chat = await h.client.openPrivateConversation(me, { peerId: peer.userId });
    const room = await group(peer, [me], 'Room');
    for (let i = 0; i < 3; i += 1) {
      await say(peer, chat.id);
    }
    await say(peer, room.id);
    const flat = await list(me, RecentView.RECENT_VIEW_FLAT);
    const byId = new Map(flat.items.map((s) => [s.conversation!.id, s]));

    expect(byId.get(chat.id)).toMatchObject({
      unreadStyle: UnreadStyle.UNREAD_STYLE_COUNT,
      unreadCount: 3,
      hasUnread: true,
    });
    expect(byId.get(chat.id)!.lastMessage!.seq).toBe(3);
    expect(byId.get(room.id)).toMatchObject({
      unreadStyle: UnreadStyle.UNREAD_STYLE_DOT,
      hasUnread: true,
    });
    expect(await h.client.markRead(me, { conversationId: chat.id, seq: 2 })).toEqual({
      conversationId: chat.id,
      readSeq: 2,
      unreadCount: 1,
    });
    expect((await h.client.markRead(me, { conversationId: chat.id, seq: 1 })).readSeq).toBe(2);
    expect((await h.client.markRead(me, { conversationId: chat.id, seq: 99 })).readSeq).toBe(3);
    await h.client.markRead(me, { conversationId: room.id, seq: 1 });
    const after = await list(me, RecentView.RECENT_VIEW_FLAT);
    expect(after.items.every((s) => !s.hasUnread && s.unreadCount === 0)).toBe(true);
  });

  describe('views', () => {
    const labels = new Map<string, string>();
    let me: Caller;
    let ids: Record<string, string>;

    beforeAll(async () => {
      me = h.user();
      const [p1, p2, other] = [h.user(), h.user(), h.user()];
      const chat1 = await h.client.openPrivateConversation(me, { peerId: p1.userId });
      const chat2 = await h.client.openPrivateConversation(me, { peerId: p2.userId });
      const g1 = await group(other, [me], 'G1');
      const g2 = await group(other, [me], 'G2');
      const discussion = await h.client.createConversation(systemCaller(h.orgId, randomUUID()), {
        kind: ConversationKind.CONVERSATION_KIND_DISCUSSION,
        title: 'D',
        memberIds: [other.userId, me.userId],
        id: randomUUID(),
        idempotencyKey: '',
      });
      ids = { P1: chat1.id, P2: chat2.id, G1: g1.id, G2: g2.id, D: discussion.id };
      for (const [name, id] of Object.entries(ids)) {
        labels.set(id, name);
      }
      // Activity, oldest first: G2, P1, D, G1, P2 (P1 twice unread, G1 once).
      await say(other, g2.id);
      await say(p1, chat1.id);
      await say(p1, chat1.id);
      await say(other, discussion.id);
      await say(other, g1.id);
      await say(p2, chat2.id);
      await h.client.pinSession(me, { conversationId: g2.id });
    });

    it('lists every session flat, pinned first, then newest activity', async () => {
      expect(names((await list(me, RecentView.RECENT_VIEW_FLAT)).items, labels)).toEqual([
        'G2',
        'P2',
        'G1',
        'D',
        'P1',
      ]);
    });

    it('folds private and group chats into folders placed at their newest activity', async () => {
      const folded = await list(me, RecentView.RECENT_VIEW_FOLDED);

      expect(names(folded.items, labels)).toEqual([
        'G2',
        `folder:${ConversationKind.CONVERSATION_KIND_PRIVATE}`,
        `folder:${ConversationKind.CONVERSATION_KIND_GROUP}`,
        'D',
      ]);
      expect(folded.items[0].pinned).toBe(true);
      expect(folded.items[1]).toMatchObject({
        folder: { kind: ConversationKind.CONVERSATION_KIND_PRIVATE, conversationCount: 2 },
        unreadCount: 3,
        hasUnread: true,
        unreadStyle: UnreadStyle.UNREAD_STYLE_COUNT,
      });
      expect(folded.items[1].lastMessage!.conversationId).toBe(ids.P2);
      expect(folded.items[2]).toMatchObject({
        folder: { kind: ConversationKind.CONVERSATION_KIND_GROUP, conversationCount: 1 },
        unreadStyle: UnreadStyle.UNREAD_STYLE_DOT,
        hasUnread: true,
      });
      expect(folded.items[2].lastMessage!.conversationId).toBe(ids.G1);
    });

    it('lists the inside of each folder', async () => {
      expect(names((await list(me, RecentView.RECENT_VIEW_PRIVATE_FOLDER)).items, labels)).toEqual([
        'P2',
        'P1',
      ]);
      expect(names((await list(me, RecentView.RECENT_VIEW_GROUP_FOLDER)).items, labels)).toEqual([
        'G1',
      ]);
    });

    it.each([RecentView.RECENT_VIEW_FOLDED, RecentView.RECENT_VIEW_FLAT])(
      'pages the %s view one entry at a time in the same order',
      async (view) => {
        const whole = await list(me, view);
        const paged = await all(me, view, 1);

        expect(names(paged, labels)).toEqual(names(whole.items, labels));
      },
    );

    it('hides a session until a newer message arrives, and unpins', async () => {
      await h.client.hideSession(me, { conversationId: ids.D });
      expect(names((await list(me, RecentView.RECENT_VIEW_FLAT)).items, labels)).not.toContain('D');
      const member = (
        await h.client.listMembers(me, { conversationId: ids.D, limit: 10, cursor: '' })
      ).items.find((m) => m.userId !== me.userId)!;
      await say(h.caller(member.userId), ids.D);
      expect(names((await list(me, RecentView.RECENT_VIEW_FLAT)).items, labels)[1]).toBe('D');

      await h.client.unpinSession(me, { conversationId: ids.G2 });
      const folded = await list(me, RecentView.RECENT_VIEW_FOLDED);
      expect(names(folded.items, labels)).not.toContain('G2');
      expect(
        folded.items.find((s) => s.folder?.kind === ConversationKind.CONVERSATION_KIND_GROUP)!
          .folder!.conversationCount,
      ).toBe(2);
    });
  });
});
