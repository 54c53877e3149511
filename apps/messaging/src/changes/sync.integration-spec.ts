import { Caller } from '@confer/grpc';
import { messaging } from '@confer/proto';

import {
  errorCode,
  eventually,
  MessagingHarness,
  startMessaging,
} from '../../test-support/messaging-harness';
import { changeStreamSteps } from '../../test-support/change-stream-steps';
import { SyncService } from './sync.service';

interface Seen {
  seq: number;
  type: string;
  data: unknown;
}

describe(SyncService.name, () => {
  let h: MessagingHarness;
  const steps = changeStreamSteps(() => h, 's');

  beforeAll(async () => {
    h = await startMessaging();
  });

  afterAll(async () => {
    steps.unsubscribeAll();
    await h?.close();
  });

  const { say, group, listen } = steps;

  /** Walks Sync in pages of `limit`, checking each page's next position. */
  function syncAll(
    user: Caller,
    limit: number,
    since = 0,
  ): Promise<{ items: Seen[]; next: number }> {
    return steps.readSync(user, {
      since,
      limit,
      eachPage: (page, next) =>
        expect(page.nextSince).toBe(
          page.items.length ? page.items[page.items.length - 1].seq : next,
        ),
    });
  }

  it('returns each change once, in order, across pages, exactly as published live', async () => {
    const [alice, bob, carol] = [h.user(), h.user(), h.user()];
    const live = await listen(alice);
    const room = await group(alice, [bob]);
    await say(bob, room.id);
    await say(bob, room.id);
    await h.client.markRead(alice, { conversationId: room.id, seq: 1 });
    await h.client.addMembers(bob, { conversationId: room.id, userIds: [carol.userId] });
    await say(carol, room.id);
    await h.client.transferOwnership(alice, { conversationId: room.id, newOwnerId: bob.userId });
    await h.client.removeMember(bob, { conversationId: room.id, userId: carol.userId });
    const types = [
      'member.added',
      'message.created',
      'message.created',
      'conversation.read',
      'member.added',
      'message.created',
      'conversation.updated',
      'member.removed',
    ];

    const synced = await eventually(async () => {
      const result = await syncAll(alice, 3);
      expect(result.items.map((c) => c.type)).toEqual(types);

      return result.items;
    });
    const seqs = synced.map((c) => c.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(new Set(seqs).size).toBe(seqs.length);
    await eventually(async () => expect(live).toEqual(synced));
    expect(synced[3].data).toEqual({ conversationId: room.id, readSeq: 1, unreadCount: 1 });
    expect(synced[4].data).toMatchObject({ conversationId: room.id, userIds: [carol.userId] });
    expect(synced[6].data).toMatchObject({ conversation: { id: room.id, ownerId: bob.userId } });
    expect(synced[7].data).toEqual({ conversationId: room.id, userId: carol.userId });
    const rest = await h.client.sync(alice, { since: seqs[seqs.length - 1], limit: 10 });
    expect(rest).toEqual({ items: [], nextSince: seqs[seqs.length - 1], hasMore: false });
  });

  it.each([
    ['beyond PostgreSQL bigint', 1e23],
    ['beyond 2^53', 2 ** 53 + 2],
  ])('rejects a since %s with request.invalid', async (_name, since) => {
    expect(await errorCode(h.client.sync(h.user(), { since, limit: 10 }))).toBe('request.invalid');
  });

  it("shows a member only their membership window and nobody else's read cursor", async () => {
    const [owner, carol] = [h.user(), h.user()];
    const room = await group(owner, []);
    await say(owner, room.id);
    const live = await listen(carol);
    await h.client.addMembers(owner, { conversationId: room.id, userIds: [carol.userId] });
    await say(owner, room.id);
    await h.client.markRead(owner, { conversationId: room.id, seq: 2 });
    await h.client.removeMember(owner, { conversationId: room.id, userId: carol.userId });
    await say(owner, room.id);

    const synced = await eventually(async () => {
      const result = await syncAll(carol, 50);
      expect(result.items.map((c) => c.type)).toEqual([
        'member.added',
        'message.created',
        'member.removed',
      ]);

      return result.items;
    });
    expect((synced[1].data as messaging.Message).seq).toBe(2);
    await eventually(async () => expect(live).toEqual(synced));
    await eventually(async () => {
      const ownerTypes = (await syncAll(owner, 50)).items.map((c) => c.type);
      expect(ownerTypes.filter((t) => t === 'message.created')).toHaveLength(3);
    });
  });

  it('never skips or repeats a change while many writers commit concurrently', async () => {
    const [me, other] = [h.user(), h.user()];
    const rooms = await Promise.all(Array.from({ length: 10 }, () => group(other, [me])));
    const collected: number[] = [];
    let since = 0;
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const page = await h.client.sync(me, { since, limit: 3 });
        collected.push(...page.items.map((c) => c.seq));
        since = page.nextSince;
      }
    })();
    // Sends share group-commit batches; read cursors are separate transactions
    // committing in parallel, so commits reach the stream out of position order.
    const writes = Array.from({ length: 300 }, (_, i) => {
      const room = rooms[i % rooms.length];

      return i % 3 === 0
        ? h.client.markRead(me, { conversationId: room.id, seq: Math.floor(i / 10) })
        : say(other, room.id);
    });
    await Promise.all(writes);
    writing = false;
    await reader;

    await eventually(async () => {
      const page = await syncAll(me, 1000, since);
      collected.push(...page.items.map((c) => c.seq));
      since = page.next;
      const full = await syncAll(me, 1000);
      expect(collected).toEqual(full.items.map((c) => c.seq));
      expect(full.items.filter((c) => c.type === 'message.created')).toHaveLength(200);
    });
  });

  it('holds back changes above a transaction still in flight, then returns both in order', async () => {
    const [me, other] = [h.user(), h.user()];
    const room = await group(other, [me]);
    const start = await eventually(async () => {
      const caughtUp = await syncAll(me, 100);
      expect(caughtUp.items).toHaveLength(1);

      return caughtUp.next;
    });
    // A writer that took its transaction id first and has not committed yet.
    await h.db.query('BEGIN');
    await h.db.query(
      `INSERT INTO changes (stream_pos, org_id, conversation_id, user_id, type, payload)
       VALUES (pg_current_xact_id()::text::bigint << 16, $1, $2, $3, 'conversation.read', '{}')`,
      [h.orgId, room.id, me.userId],
    );
    await say(other, room.id);

    const held = await h.client.sync(me, { since: start, limit: 10 });
    await h.db.query('COMMIT');

    expect(held.items).toEqual([]);
    const after = await eventually(async () => {
      const page = await syncAll(me, 10, start);
      expect(page.items).toHaveLength(2);

      return page.items;
    });
    expect(after.map((c) => c.type)).toEqual(['conversation.read', 'message.created']);
  });
});
