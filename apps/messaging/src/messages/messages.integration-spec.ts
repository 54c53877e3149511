import { Caller } from '@confer/grpc';
import { messaging } from '@confer/proto';

import { errorCode, MessagingHarness, startMessaging } from '../../test-support/messaging-harness';
import { MessagesService } from './messages.service';

const { ConversationKind, HistoryDirection, MessageKind } = messaging;

describe(MessagesService.name, () => {
  let h: MessagingHarness;

  beforeAll(async () => {
    h = await startMessaging();
  });

  afterAll(async () => {
    await h?.close();
  });

  async function group(members: Caller[]) {
    return h.client.createConversation(members[0], {
      kind: ConversationKind.CONVERSATION_KIND_GROUP,
      title: 'Room',
      memberIds: members.slice(1).map((m) => m.userId),
      id: '',
      idempotencyKey: '',
    });
  }

  function text(conversationId: string, clientMessageId: string, body = 'hello') {
    return {
      conversationId,
      clientMessageId,
      kind: MessageKind.MESSAGE_KIND_TEXT,
      text: body,
      emoji: '',
    };
  }

  async function count(conversationId: string): Promise<number> {
    const result = await h.db.query(
      'SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1',
      [conversationId],
    );

    return result.rows[0].n;
  }

  it('gives 200 concurrent sends to one conversation the gapless seqs 1..200', async () => {
    const members = [h.user(), h.user(), h.user()];
    const room = await group(members);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        h.client.sendMessage(members[i % 3], text(room.id, `c-${i}`, `message ${i}`)),
      ),
    );

    const seqs = results.map((r) => r.message!.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(results.every((r) => r.created)).toBe(true);
    const positions = results
      .map((r) => r.message!)
      .sort((a, b) => a.seq - b.seq)
      .map((m) => m.streamPos);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    const stored = await h.client.getConversation(members[0], { conversationId: room.id });
    expect(stored.lastSeq).toBe(200);
  });

  it('returns the first message for a repeated client message id, sequential and concurrent', async () => {
    const [alice, bob] = [h.user(), h.user()];
    const room = await group([alice, bob]);
    const first = await h.client.sendMessage(alice, text(room.id, 'same', 'first'));
    const again = await h.client.sendMessage(alice, text(room.id, 'same', 'second'));
    const racing = await Promise.all(
      Array.from({ length: 20 }, () => h.client.sendMessage(bob, text(room.id, 'race', 'bob'))),
    );

    expect(first.created).toBe(true);
    expect(again).toEqual({ message: first.message, created: false });
    expect(new Set(racing.map((r) => r.message!.id)).size).toBe(1);
    expect(racing.filter((r) => r.created)).toHaveLength(1);
    expect(await count(room.id)).toBe(2);
  });

  it('treats the same client message id from another sender as a different message', async () => {
    const [alice, bob] = [h.user(), h.user()];
    const room = await group([alice, bob]);
    const a = await h.client.sendMessage(alice, text(room.id, 'x'));
    const b = await h.client.sendMessage(bob, text(room.id, 'x'));

    expect(b.message!.id).not.toBe(a.message!.id);
    expect(b.message!.seq).toBe(2);
  });

  it.each([
    ['message.empty', { text: '  \n ' }],
    ['message.text_invalid', { text: 'before\u0000after' }],
    ['message.too_large', { text: '😀'.repeat(10_001) }],
    ['message.client_id_invalid', { clientMessageId: '' }],
    ['message.client_id_invalid', { clientMessageId: 'has space' }],
    ['message.client_id_invalid', { clientMessageId: 'x'.repeat(65) }],
    ['message.emoji_invalid', { kind: MessageKind.MESSAGE_KIND_EMOJI, emoji: 'smile' }],
    ['message.emoji_invalid', { kind: MessageKind.MESSAGE_KIND_EMOJI, emoji: '😀😀' }],
    [
      'message.emoji_invalid',
      { kind: MessageKind.MESSAGE_KIND_EMOJI, emoji: `:${'a'.repeat(63)}:` },
    ],
  ])('rejects bad input with %s and writes nothing', async (code, change) => {
    const alice = h.user();
    const room = await group([alice]);

    expect(
      await errorCode(h.client.sendMessage(alice, { ...text(room.id, 'bad'), ...change })),
    ).toBe(code);
    expect(await count(room.id)).toBe(0);
  });

  it('accepts the documented client message id characters . and :', async () => {
    const alice = h.user();
    const room = await group([alice]);

    const sent = await h.client.sendMessage(alice, text(room.id, 'device.1:a-b_c'));

    expect(sent.message!.clientMessageId).toBe('device.1:a-b_c');
  });

  it('accepts text of exactly 10,000 code points, shortcodes and emoji sequences', async () => {
    const alice = h.user();
    const room = await group([alice]);
    const long = await h.client.sendMessage(alice, text(room.id, 'long', '😀'.repeat(10_000)));
    const emoji = (clientMessageId: string, value: string) =>
      h.client.sendMessage(alice, {
        conversationId: room.id,
        clientMessageId,
        kind: MessageKind.MESSAGE_KIND_EMOJI,
        text: '',
        emoji: value,
      });

    expect(long.created).toBe(true);
    expect((await emoji('e1', ':thumbs_up+1:')).message!.emoji).toBe(':thumbs_up+1:');
    expect((await emoji('e2', '👨‍👩‍👧')).message!.kind).toBe(MessageKind.MESSAGE_KIND_EMOJI);
    expect(await count(room.id)).toBe(3);
  });

  it('stores the good sends of a batch that also holds bad ones', async () => {
    const [alice, bob] = [h.user(), h.user()];
    const room = await group([alice, bob]);
    const stranger = h.user();
    const outcomes = await Promise.allSettled([
      h.client.sendMessage(alice, text(room.id, 'g1')),
      h.client.sendMessage(stranger, text(room.id, 'intruder')),
      h.client.sendMessage(bob, text(room.id, 'g2')),
      h.client.sendMessage(alice, text(room.id, 'bad', ' ')),
      h.client.sendMessage(bob, text(room.id, 'g3')),
    ]);

    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect((outcomes[1] as PromiseRejectedResult).reason.code).toBe('conversation.not_found');
    expect(await count(room.id)).toBe(3);
  });

  it('moves the sender read cursor to their own message', async () => {
    const [alice, bob] = [h.user(), h.user()];
    const room = await group([alice, bob]);
    await h.client.sendMessage(alice, text(room.id, 'a1'));
    await h.client.sendMessage(alice, text(room.id, 'a2'));

    expect((await h.client.getConversation(alice, { conversationId: room.id })).readSeq).toBe(2);
    expect((await h.client.getConversation(bob, { conversationId: room.id })).readSeq).toBe(0);
  });

  describe('history', () => {
    let room: messaging.Conversation;
    let alice: Caller;

    beforeAll(async () => {
      alice = h.user();
      room = await group([alice]);
      for (let i = 1; i <= 7; i += 1) {
        await h.client.sendMessage(alice, text(room.id, `h${i}`, `m${i}`));
      }
    });

    async function pages(direction: messaging.HistoryDirection, seq: number): Promise<number[][]> {
      const result: number[][] = [];
      let cursor = '';
      do {
        const page = await h.client.listMessages(alice, {
          conversationId: room.id,
          direction,
          limit: 3,
          cursor,
          seq,
        });
        result.push(page.items.map((m) => m.seq));
        cursor = page.nextCursor;
      } while (cursor);

      return result;
    }

    it('pages backward from the newest, newest first', async () => {
      expect(await pages(HistoryDirection.HISTORY_DIRECTION_BACKWARD, 0)).toEqual([
        [7, 6, 5],
        [4, 3, 2],
        [1],
      ]);
    });

    it('pages backward strictly before a seq', async () => {
      expect(await pages(HistoryDirection.HISTORY_DIRECTION_BACKWARD, 5)).toEqual([[4, 3, 2], [1]]);
    });

    it('pages forward strictly after a seq, oldest first', async () => {
      expect(await pages(HistoryDirection.HISTORY_DIRECTION_FORWARD, 2)).toEqual([
        [3, 4, 5],
        [6, 7],
      ]);
    });

    it('shows a member added later only the history from their join', async () => {
      const late = h.user();
      await h.client.addMembers(alice, { conversationId: room.id, userIds: [late.userId] });
      await h.client.sendMessage(alice, text(room.id, 'after-join', 'welcome'));
      const seen = await h.client.listMessages(late, {
        conversationId: room.id,
        direction: HistoryDirection.HISTORY_DIRECTION_BACKWARD,
        limit: 50,
        cursor: '',
        seq: 0,
      });
      const forward = await h.client.listMessages(late, {
        conversationId: room.id,
        direction: HistoryDirection.HISTORY_DIRECTION_FORWARD,
        limit: 50,
        cursor: '',
        seq: 0,
      });

      expect(seen.items.map((m) => m.seq)).toEqual([8]);
      expect(forward.items.map((m) => m.seq)).toEqual([8]);
    });

    it.each([
      ['beyond PostgreSQL bigint', 1e23],
      ['beyond 2^53', 2 ** 53 + 2],
    ])('rejects a seq %s with request.invalid', async (_name, seq) => {
      expect(
        await errorCode(
          h.client.listMessages(alice, {
            conversationId: room.id,
            direction: HistoryDirection.HISTORY_DIRECTION_FORWARD,
            limit: 3,
            cursor: '',
            seq,
          }),
        ),
      ).toBe('request.invalid');
      expect(await errorCode(h.client.markRead(alice, { conversationId: room.id, seq }))).toBe(
        'request.invalid',
      );
    });

    it.each([
      ['a fractional seq', { d: 'f', s: 1.5 }],
      ['an exponent seq', { d: 'b', s: 1e300 }],
      ['an unknown direction', { d: 'x', s: 1 }],
    ])('rejects a cursor with %s', async (_name, position) => {
      const cursor = Buffer.from(JSON.stringify(position)).toString('base64url');

      expect(
        await errorCode(
          h.client.listMessages(alice, {
            conversationId: room.id,
            direction: HistoryDirection.HISTORY_DIRECTION_BACKWARD,
            limit: 3,
            cursor,
            seq: 0,
          }),
        ),
      ).toBe('request.cursor_invalid');
    });

    it('rejects a tampered cursor', async () => {
      expect(
        await errorCode(
          h.client.listMessages(alice, {
            conversationId: room.id,
            direction: HistoryDirection.HISTORY_DIRECTION_BACKWARD,
            limit: 3,
            cursor: 'nonsense',
            seq: 0,
          }),
        ),
      ).toBe('request.cursor_invalid');
    });
  });
});
