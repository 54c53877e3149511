import { randomUUID } from 'node:crypto';

import {
  ApiClient,
  ApiErrorBody,
  Conversation,
  createDiscussion,
  createGroup,
  createUsers,
  expectStatus,
  fullHistory,
  Message,
  openPrivate,
  Page,
  sendText,
  sessionOf,
  signInAdmin,
  TestUser,
  useStack,
} from './support';

/** The longest text a message may carry, in characters. */
const TEXT_LIMIT = 10_000;

interface ReadState {
  conversationId: string;
  readSeq: number;
  unreadCount: number;
}

function send(user: TestUser, conversationId: string, body: Record<string, unknown>) {
  return user.api.post<{ message: Message } & ApiErrorBody>(
    `/conversations/${conversationId}/messages`,
    { clientMessageId: randomUUID(), ...body },
  );
}

async function readPages(
  api: ApiClient,
  conversationId: string,
  direction: 'forward' | 'backward',
  limit: number,
): Promise<number[][]> {
  const pages: number[][] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page: Page<Message> = expectStatus(
      await api.get<Page<Message>>(
        `/conversations/${conversationId}/messages?direction=${direction}&limit=${limit}${query}`,
      ),
      200,
    );
    pages.push(page.items.map((message) => message.seq));
    cursor = page.nextCursor;
  } while (cursor && pages.length < 100);

  return pages;
}

describe('messages through the gateway', () => {
  const stack = useStack();
  let admin: ApiClient;

  beforeAll(async () => {
    admin = await signInAdmin(stack().gatewayUrl);
  });

  describe('sending', () => {
    let alice: TestUser;
    let bob: TestUser;
    let group: Conversation;

    beforeEach(async () => {
      [alice, bob] = await createUsers(admin, 2);
      group = await createGroup(alice, [bob]);
    });

    it('stores a text message and answers 201 with it', async () => {
      const response = await send(alice, group.id, { kind: 'text', text: '你好, world' });

      expect(response.status).toBe(201);
      expect(response.body.message).toMatchObject({
        conversationId: group.id,
        senderId: alice.id,
        kind: 'text',
        text: '你好, world',
        emoji: null,
        seq: 1,
      });
      expect((await fullHistory(bob.api, group.id)).map((m) => m.text)).toEqual(['你好, world']);
    });

    it.each([':thumbsup:', '👍', '👩‍💻'])('stores the emoji %s', async (emoji) => {
      const response = await send(alice, group.id, { kind: 'emoji', emoji });

      expect(response.status).toBe(201);
      expect(response.body.message).toMatchObject({ kind: 'emoji', emoji, text: null });
    });

    it('numbers messages one by one from 1', async () => {
      const seqs: number[] = [];
      for (let i = 0; i < 5; i++) {
        seqs.push((await sendText(i % 2 ? bob : alice, group.id, `line ${i}`)).seq);
      }

      expect(seqs).toEqual([1, 2, 3, 4, 5]);
      expect((await fullHistory(alice.api, group.id)).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    });

    it('gives concurrent senders gapless distinct seqs', async () => {
      const sent = await Promise.all(
        Array.from({ length: 20 }, (_, i) => sendText(i % 2 ? bob : alice, group.id, `c${i}`)),
      );

      expect(sent.map((m) => m.seq).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
    });

    it('answers a repeated clientMessageId with 200 and the first message, storing nothing new', async () => {
      const clientMessageId = randomUUID();
      const first = await send(alice, group.id, { clientMessageId, kind: 'text', text: 'once' });
      const again = await send(alice, group.id, { clientMessageId, kind: 'text', text: 'twice?' });

      expect(first.status).toBe(201);
      expect(again.status).toBe(200);
      expect(again.body.message).toEqual(first.body.message);
      expect((await fullHistory(alice.api, group.id)).map((m) => m.text)).toEqual(['once']);
    });

    it('creates one message for concurrent duplicates and answers all of them with it', async () => {
      const clientMessageId = randomUUID();

      const responses = await Promise.all(
        Array.from({ length: 12 }, () =>
          send(alice, group.id, { clientMessageId, kind: 'text', text: 'racing' }),
        ),
      );

      expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
      expect(responses.filter((r) => r.status === 200)).toHaveLength(11);
      expect(new Set(responses.map((r) => r.body.message.id)).size).toBe(1);
      expect(await fullHistory(alice.api, group.id)).toHaveLength(1);
    });

    it('treats the same clientMessageId from another sender as another message', async () => {
      const clientMessageId = randomUUID();
      const mine = await send(alice, group.id, { clientMessageId, kind: 'text', text: 'a' });
      const theirs = await send(bob, group.id, { clientMessageId, kind: 'text', text: 'b' });

      expect([mine.status, theirs.status]).toEqual([201, 201]);
      expect(theirs.body.message.id).not.toBe(mine.body.message.id);
    });

    it('accepts a text of exactly the limit', async () => {
      const text = '字'.repeat(TEXT_LIMIT);

      const response = await send(alice, group.id, { kind: 'text', text });

      expect(response.status).toBe(201);
      expect(response.body.message.text).toBe(text);
    });

    it('refuses a text one character past the limit with 413 message.too_large', async () => {
      const response = await send(alice, group.id, {
        kind: 'text',
        text: 'a'.repeat(TEXT_LIMIT + 1),
      });

      expect(response.status).toBe(413);
      expect(response.body.error.code).toBe('message.too_large');
      expect(await fullHistory(alice.api, group.id)).toEqual([]);
    });

    it('refuses an empty text with 422 message.empty', async () => {
      const response = await send(alice, group.id, { kind: 'text', text: '' });

      expect(response.status).toBe(422);
      expect(response.body.error.code).toBe('message.empty');
      expect(await fullHistory(alice.api, group.id)).toEqual([]);
    });

    it('refuses a text of only whitespace with 422 message.empty', async () => {
      const response = await send(alice, group.id, { kind: 'text', text: ' \n\t  ' });

      expect(response.status).toBe(422);
      expect(response.body.error.code).toBe('message.empty');
      expect(await fullHistory(alice.api, group.id)).toEqual([]);
    });

    it.each(['not an emoji', ':Bad Code:', '👍👍', 'a'])(
      'refuses %j as an emoji with 422 message.emoji_invalid',
      async (emoji) => {
        const response = await send(alice, group.id, { kind: 'emoji', emoji });

        expect(response.status).toBe(422);
        expect(response.body.error.code).toBe('message.emoji_invalid');
        expect(await fullHistory(alice.api, group.id)).toEqual([]);
      },
    );
  });

  describe('history paging', () => {
    const TOTAL = 23;
    let alice: TestUser;
    let group: Conversation;

    beforeAll(async () => {
      const [owner, bob] = await createUsers(admin, 2);
      alice = owner;
      group = await createGroup(alice, [bob]);
      for (let i = 1; i <= TOTAL; i++) {
        await sendText(i % 3 ? alice : bob, group.id, `m${i}`);
      }
    });

    it('pages backward from the newest with no overlaps and no gaps', async () => {
      const pages = await readPages(alice.api, group.id, 'backward', 5);

      expect(pages.map((page) => page.length)).toEqual([5, 5, 5, 5, 3]);
      expect(pages.flat()).toEqual(Array.from({ length: TOTAL }, (_, i) => TOTAL - i));
    });

    it('pages forward from the oldest with no overlaps and no gaps', async () => {
      const pages = await readPages(alice.api, group.id, 'forward', 7);

      expect(pages.map((page) => page.length)).toEqual([7, 7, 7, 2]);
      expect(pages.flat()).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
    });

    it('starts strictly before or after the given seq', async () => {
      const before = expectStatus(
        await alice.api.get<Page<Message>>(`/conversations/${group.id}/messages?seq=10&limit=3`),
        200,
      );
      const after = expectStatus(
        await alice.api.get<Page<Message>>(
          `/conversations/${group.id}/messages?direction=forward&seq=10&limit=3`,
        ),
        200,
      );

      expect(before.items.map((m) => m.seq)).toEqual([9, 8, 7]);
      expect(after.items.map((m) => m.seq)).toEqual([11, 12, 13]);
    });

    it('keeps a page stable when new messages arrive while paging backward', async () => {
      const first = expectStatus(
        await alice.api.get<Page<Message>>(`/conversations/${group.id}/messages?limit=4`),
        200,
      );
      const newest = first.items[0].seq;
      await sendText(alice, group.id, 'arrives while paging');
      const second = expectStatus(
        await alice.api.get<Page<Message>>(
          `/conversations/${group.id}/messages?limit=4&cursor=${encodeURIComponent(first.nextCursor!)}`,
        ),
        200,
      );

      expect(second.items.map((m) => m.seq)).toEqual([
        newest - 4,
        newest - 5,
        newest - 6,
        newest - 7,
      ]);
    });
  });

  describe('unread counts and read cursors', () => {
    let alice: TestUser;
    let bob: TestUser;
    let carol: TestUser;

    beforeEach(async () => {
      [alice, bob, carol] = await createUsers(admin, 3);
    });

    it('shows a count for a private chat from the read cursor', async () => {
      const chat = await openPrivate(bob, alice);
      for (const text of ['one', 'two', 'three']) {
        await sendText(bob, chat.id, text);
      }

      const before = await sessionOf(alice.api, chat.id);
      await alice.api.post(`/conversations/${chat.id}/read`, { seq: 2 });
      const after = await sessionOf(alice.api, chat.id);

      expect(before).toMatchObject({ unreadStyle: 'count', unreadCount: 3, hasUnread: true });
      expect(after).toMatchObject({ unreadStyle: 'count', unreadCount: 1, hasUnread: true });
      expect(await sessionOf(bob.api, chat.id)).toMatchObject({ unreadCount: 0, hasUnread: false });
    });

    it('shows a count for a discussion', async () => {
      const discussion = await createDiscussion(bob, [alice]);
      await sendText(bob, discussion.id, 'topic opener');
      await sendText(bob, discussion.id, 'follow-up');

      expect(await sessionOf(alice.api, discussion.id)).toMatchObject({
        unreadStyle: 'count',
        unreadCount: 2,
        hasUnread: true,
      });
    });

    it('shows a dot for a group, cleared by reading to the end', async () => {
      const group = await createGroup(bob, [alice, carol]);
      await sendText(bob, group.id, 'g1');
      await sendText(carol, group.id, 'g2');

      const before = await sessionOf(alice.api, group.id);
      const read = await alice.api.post<ReadState>(`/conversations/${group.id}/read`, { seq: 2 });
      const after = await sessionOf(alice.api, group.id);

      expect(before).toMatchObject({ unreadStyle: 'dot', hasUnread: true, unreadCount: 2 });
      expect(read.body).toEqual({ conversationId: group.id, readSeq: 2, unreadCount: 0 });
      expect(after).toMatchObject({ unreadStyle: 'dot', hasUnread: false, unreadCount: 0 });
    });

    it('moves the read cursor forward, never backward, and never past the last message', async () => {
      const group = await createGroup(bob, [alice]);
      for (let i = 0; i < 4; i++) {
        await sendText(bob, group.id, `r${i}`);
      }

      const forward = await alice.api.post<ReadState>(`/conversations/${group.id}/read`, {
        seq: 3,
      });
      const backward = await alice.api.post<ReadState>(`/conversations/${group.id}/read`, {
        seq: 1,
      });
      const beyond = await alice.api.post<ReadState>(`/conversations/${group.id}/read`, {
        seq: 999,
      });
      const conversation = expectStatus(
        await alice.api.get<Conversation>(`/conversations/${group.id}`),
        200,
      );

      expect(forward.body).toMatchObject({ readSeq: 3, unreadCount: 1 });
      expect(backward.body).toMatchObject({ readSeq: 3, unreadCount: 1 });
      expect(beyond.body).toMatchObject({ readSeq: 4, unreadCount: 0 });
      expect(conversation).toMatchObject({ readSeq: 4, lastSeq: 4 });
    });

    it("moves the sender's own cursor to their message", async () => {
      const group = await createGroup(bob, [alice]);
      await sendText(alice, group.id, 'from alice');
      await sendText(bob, group.id, 'from bob');

      const seenByBob = expectStatus(
        await bob.api.get<Conversation>(`/conversations/${group.id}`),
        200,
      );

      expect(seenByBob).toMatchObject({ lastSeq: 2, readSeq: 2 });
      expect(await sessionOf(bob.api, group.id)).toMatchObject({ hasUnread: false });
      expect(await sessionOf(alice.api, group.id)).toMatchObject({
        hasUnread: true,
        unreadCount: 1,
      });
    });
  });
});
