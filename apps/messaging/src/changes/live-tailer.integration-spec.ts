import { LiveFrame } from '@confer/events';
import { Caller } from '@confer/grpc';

import { changeStreamSteps } from '../../test-support/change-stream-steps';
import { eventually, MessagingHarness, startMessaging } from '../../test-support/messaging-harness';
import { LIVE_TAIL_LOCK, LiveTailer } from './live-tailer';

// Standbys look for the lock often, so a failover happens within the test's patience.
const ENV = { LIVE_STANDBY_POLL_MS: '50' };

describe(LiveTailer.name, () => {
  let h: MessagingHarness;
  const steps = changeStreamSteps(() => h, 't');

  beforeAll(async () => {
    h = await startMessaging({ env: ENV });
    await eventually(async () => expect(h.app.get(LiveTailer).leading).toBe(true));
  });

  afterAll(async () => {
    steps.unsubscribeAll();
    await h?.close();
  });

  const { say, group, listen, readSync } = steps;

  /** Walks Sync from `since` until it reports nothing more. */
  async function syncAll(user: Caller, since = 0): Promise<LiveFrame[]> {
    return (await readSync(user, { since, limit: 1000 })).items;
  }

  /** What a socket passes on: frames above the last one sent (the gateway's rule). */
  function delivered(frames: LiveFrame[]): LiveFrame[] {
    let last = 0;

    return frames.filter((frame) => {
      if (frame.seq <= last) {
        return false;
      }
      last = frame.seq;

      return true;
    });
  }

  function above(frames: LiveFrame[], seq: number): LiveFrame[] {
    return frames.filter((frame) => frame.seq > seq);
  }

  function strictlyIncreasing(seqs: number[]): boolean {
    return seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]);
  }

  it('publishes in position order, never above a transaction in flight, so any live seq is a safe resume point', async () => {
    const [me, other] = [h.user(), h.user()];
    const rooms = await Promise.all(Array.from({ length: 8 }, () => group(other, [me])));
    const start = await eventually(async () => {
      const joined = await syncAll(me);
      expect(joined).toHaveLength(rooms.length);

      return joined[joined.length - 1].seq;
    });
    // Frames of the joins may still be on their way; only what follows is compared.
    const live = await listen(me);
    // A writer that took its transaction id first and has not committed: every
    // change after it has a higher position and must wait for it.
    await h.db.query('BEGIN');
    const [held] = await h.db
      .query(
        `INSERT INTO changes (stream_pos, org_id, conversation_id, user_id, type, payload)
       VALUES (pg_current_xact_id()::text::bigint << 16, $1, $2, $3, 'conversation.read', '{}')
       RETURNING stream_pos`,
        [h.orgId, rooms[0].id, me.userId],
      )
      .then((result) => result.rows as { stream_pos: string }[]);
    const heldPos = Number(held.stream_pos);
    // Sends share group-commit batches; read cursors commit in parallel to them.
    await Promise.all(
      Array.from({ length: 240 }, (_, i) => {
        const room = rooms[i % rooms.length];

        return i % 4 === 0
          ? h.client.markRead(me, { conversationId: room.id, seq: Math.floor(i / 8) })
          : say(other, room.id);
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const beforeCommit = live.map((frame) => frame.seq);
    await h.db.query('COMMIT');

    expect(beforeCommit.every((seq) => seq < heldPos)).toBe(true);
    const synced = await eventually(async () => {
      const all = above(await syncAll(me), start);
      expect(above(live, start)).toHaveLength(all.length);

      return all;
    });
    expect(strictlyIncreasing(live.map((frame) => frame.seq))).toBe(true);
    const followed = above(live, start);
    expect(followed).toEqual(synced);
    expect(followed.map((frame) => frame.seq)).toContain(heldPos);
    for (const [index, frame] of followed.entries()) {
      expect(await syncAll(me, frame.seq)).toEqual(followed.slice(index + 1));
    }
  }, 60_000);

  it('hands the stream to a standby when the leader loses its lock connection, skipping nothing', async () => {
    const standby = await startMessaging({ env: ENV, join: h });
    try {
      const [me, other] = [h.user(), h.user()];
      const room = await group(other, [me]);
      const live = await listen(me);
      expect(standby.app.get(LiveTailer).leading).toBe(false);
      let writing = true;
      const writer = (async () => {
        while (writing) {
          await say(other, room.id);
        }
      })();
      await eventually(async () => expect(live.length).toBeGreaterThan(5));

      const { rows } = await h.db.query(
        `SELECT a.pid FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid
         WHERE a.datname = current_database() AND a.application_name = $1
           AND l.locktype = 'advisory' AND l.granted`,
        [LIVE_TAIL_LOCK],
      );
      await h.db.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
      await eventually(async () => expect(standby.app.get(LiveTailer).leading).toBe(true));
      const atFailover = live.length;
      await eventually(async () => expect(live.length).toBeGreaterThan(atFailover + 5));
      writing = false;
      await writer;

      expect(h.app.get(LiveTailer).leading).toBe(false);
      await eventually(async () => {
        const got = delivered(live);
        expect(got).toEqual(above(await syncAll(me), got[0].seq - 1));
      });
    } finally {
      await standby.close();
    }
  }, 60_000);

  it("delivers each of a returning member's windows, live and in Sync, even when the tailer reaches a removal after the rejoin", async () => {
    const [owner, other, carol] = [h.user(), h.user(), h.user()];
    const room = await group(owner, [other]);
    const live = await listen(carol);
    const membership = { conversationId: room.id, userIds: [carol.userId] };
    await h.client.addMembers(owner, membership);
    await say(owner, room.id);
    await eventually(async () =>
      expect(live.map((f) => f.type)).toEqual(['member.added', 'message.created']),
    );
    // A transaction in flight holds the horizon, so the removal and the rejoin
    // are both committed before the tailer may publish either of them.
    await h.db.query('BEGIN');
    await h.db.query('SELECT pg_current_xact_id()');
    await h.client.removeMember(owner, { conversationId: room.id, userId: carol.userId });
    await say(owner, room.id);
    await h.client.addMembers(owner, membership);
    await say(owner, room.id);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(live).toHaveLength(2);
    await h.db.query('COMMIT');

    const expected = [
      'member.added',
      'message.created',
      'member.removed',
      'member.added',
      'message.created',
    ];
    await eventually(async () => expect(live.map((f) => f.type)).toEqual(expected));
    const synced = await syncAll(carol);
    expect(synced).toEqual(live);
    for (const [index, frame] of live.entries()) {
      expect(await syncAll(carol, frame.seq)).toEqual(live.slice(index + 1));
    }
  });

  it("sends pins, unpins and hides to the user's own devices, live and in Sync", async () => {
    const [me, other] = [h.user(), h.user()];
    const room = await group(other, [me]);
    const mine = await listen(me);
    const theirs = await listen(other);
    const request = { conversationId: room.id };
    await h.client.pinSession(me, request);
    await h.client.pinSession(me, request);
    await h.client.unpinSession(me, request);
    await h.client.hideSession(me, request);
    await h.client.hideSession(me, request);
    const expected = ['session.pinned', 'session.unpinned', 'session.hidden'].map((type) => ({
      type,
      data: { conversationId: room.id },
    }));

    const synced = await eventually(async () => {
      const items = (await syncAll(me)).filter((c) => c.type.startsWith('session.'));
      expect(items).toMatchObject(expected);

      return items;
    });
    await eventually(async () =>
      expect(mine.filter((f) => f.type.startsWith('session.'))).toEqual(synced),
    );
    expect((await syncAll(other)).map((c) => c.type)).toEqual(['member.added']);
    expect(theirs.filter((f) => f.type.startsWith('session.'))).toEqual([]);
  });

  it('reports a position below any transaction in flight, from which Sync misses nothing', async () => {
    const [me, other] = [h.user(), h.user()];
    const room = await group(other, [me]);
    await h.db.query('BEGIN');
    await h.db.query(
      `INSERT INTO changes (stream_pos, org_id, conversation_id, user_id, type, payload)
       VALUES (pg_current_xact_id()::text::bigint << 16, $1, $2, $3, 'conversation.read', '{}')`,
      [h.orgId, room.id, me.userId],
    );
    const { position } = await h.client.getSyncPosition(me, {});
    await say(other, room.id);
    await h.db.query('COMMIT');

    const after = await eventually(async () => {
      const items = await syncAll(me, position);
      expect(items).toHaveLength(2);

      return items;
    });
    expect(after.map((c) => c.type)).toEqual(['conversation.read', 'message.created']);
    expect((await syncAll(me)).filter((c) => c.seq <= position).map((c) => c.type)).toEqual([
      'member.added',
    ]);
  });
});
