import { EventEmitter } from 'node:events';

import type { WebSocket } from 'ws';

import { AuthError } from '@confer/errors';
import { messaging } from '@confer/proto';

import { VerifiedToken } from '../auth/token-verifier';
import { MessagingClient } from '../clients/service-clients';
import { MessagesService } from '../messages/messages.service';
import { LiveConnection, LiveContext } from './live-connection';
import { LiveHub, LiveSink } from './live-hub';

class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  sent: Array<Record<string, unknown>> = [];
  closedWith?: { code: number; reason: string };

  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }

  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
    this.readyState = 3;
  }

  ping(): void {}

  terminate(): void {
    this.close(1006, '');
  }
}

const change = (seq: number): messaging.Change => ({
  seq,
  type: 'message.created',
  conversationId: 'c1',
  dataJson: JSON.stringify({ seq }),
});

const frame = (seq: number) => ({ type: 'message.created', seq, data: { seq } });

const flush = () => new Promise((resolve) => setImmediate(resolve));

function setup(options: {
  pages: messaging.SyncPage[];
  position?: number;
  replayLimit?: number;
  onSync?: (sink: LiveSink) => void;
  ended?: string[];
}) {
  const now = { value: 1_000_000 };
  const token: VerifiedToken = {
    userId: 'u1',
    orgId: 'o1',
    roles: [],
    sessionId: 's1',
    expiresAt: now.value + 60_000,
    issuer: 'confer',
  };
  let sink: LiveSink | undefined;
  const syncCalls: number[] = [];
  const ended = new Set<string>(options.ended ?? []);
  const context: LiveContext = {
    verifier: {
      verify: async (value) => {
        if (value !== 'good') {
          throw AuthError.expiredToken();
        }

        return token;
      },
    },
    gate: { admit: async () => undefined },
    revoked: { isRevoked: (sessionId: string) => ended.has(sessionId) },
    hub: {
      attach: async (_userId: string, attached: LiveSink) => {
        sink = attached;
      },
      detach: () => undefined,
    } as unknown as LiveHub,
    messaging: {
      sync: async (_caller: unknown, request: messaging.SyncRequest) => {
        syncCalls.push(request.since);
        if (sink && options.onSync) {
          options.onSync(sink);
        }

        return options.pages.shift() ?? { items: [], nextSince: request.since, hasMore: false };
      },
      getSyncPosition: async () => {
        if (sink && options.onSync) {
          options.onSync(sink);
        }

        return { position: options.position ?? 0 };
      },
    } as unknown as MessagingClient,
    messages: {} as MessagesService,
    settings: {
      framesPerSecond: 50,
      replayLimit: options.replayLimit ?? 5000,
      authTimeoutMs: 10_000,
    },
    forget: () => undefined,
    now: () => now.value,
  };
  const socket = new FakeSocket();
  const connection = new LiveConnection(socket as unknown as WebSocket, context);

  return {
    socket,
    connection,
    now,
    ended,
    sink: () => sink,
    syncCalls,
    deliver: (seqs: number[]) => sink?.deliver(seqs.map(frame)),
  };
}

describe(LiveConnection.name, () => {
  it('sends ready, then the missed changes, then live frames held during the replay, each once', async () => {
    let delivered = false;
    const { socket, connection, syncCalls, deliver } = setup({
      pages: [
        { items: [change(11), change(12)], nextSince: 12, hasMore: true },
        { items: [change(13)], nextSince: 13, hasMore: false },
      ],
      position: 12,
      onSync: (sink) => {
        if (!delivered) {
          delivered = true;
          sink.deliver([frame(13), frame(14)]);
        }
      },
    });
    connection.start({ token: 'good', since: 10 });
    await flush();
    deliver([14, 15]);

    expect(syncCalls).toEqual([10, 12]);
    expect(socket.sent.map((sent) => [sent.type, sent.seq])).toEqual([
      ['ready', 10],
      ['message.created', 11],
      ['message.created', 12],
      ['message.created', 13],
      ['message.created', 14],
      ['message.created', 15],
    ]);
  });

  it('starts a device without a resume point at the current position, dropping frames at or below it', async () => {
    const { socket, connection, syncCalls, deliver } = setup({
      pages: [],
      position: 20,
      onSync: (sink) => sink.deliver([frame(19), frame(20), frame(21)]),
    });
    connection.start({ token: 'good' });
    await flush();
    deliver([21, 22]);

    expect(syncCalls).toEqual([]);
    expect(socket.sent.map((sent) => [sent.type, sent.seq])).toEqual([
      ['ready', 20],
      ['message.created', 21],
      ['message.created', 22],
    ]);
  });

  it('sends a device resuming beyond the stream back to its position, with live frames after it', async () => {
    const { socket, connection, syncCalls, deliver } = setup({
      pages: [],
      position: 20,
      onSync: (sink) => sink.deliver([frame(20), frame(21)]),
    });
    connection.start({ token: 'good', since: 999_999_999_999_999 });
    await flush();
    deliver([22]);

    expect(syncCalls).toEqual([]);
    expect(socket.sent.map((sent) => [sent.type, sent.seq])).toEqual([
      ['ready', 20],
      ['resync.required', 20],
      ['message.created', 21],
      ['message.created', 22],
    ]);
  });

  it('resumes a device exactly at the current position without a resync', async () => {
    const { socket, connection } = setup({ pages: [], position: 20 });
    connection.start({ token: 'good', since: 20 });
    await flush();

    expect(socket.sent.map((sent) => sent.type)).toEqual(['ready']);
  });

  it('tells the device to resync when the gap is larger than it replays', async () => {
    const { socket, connection } = setup({
      replayLimit: 2,
      pages: [{ items: [change(1), change(2)], nextSince: 2, hasMore: true }],
    });
    connection.start({ token: 'good', since: 0 });
    await flush();

    expect(socket.sent.at(-1)).toEqual({ type: 'resync.required', seq: 2, data: null });
  });

  it('authenticates by first frame and answers pings', async () => {
    const { socket, connection } = setup({ pages: [] });
    connection.start({});
    socket.emit('message', Buffer.from('{"type":"ping"}'), false);
    socket.emit('message', Buffer.from('{"type":"auth","token":"good"}'), false);
    await flush();

    expect(socket.sent.map((sent) => sent.type)).toEqual(['pong', 'ready']);
  });

  it('answers a request sent before ready with live.not_ready while the upgrade token is checked', async () => {
    const { socket, connection } = setup({ pages: [] });
    connection.start({ token: 'good' });
    socket.emit(
      'message',
      Buffer.from(
        '{"type":"message.send","id":"r1","conversationId":"c1","clientMessageId":"x","kind":"text","text":"hi"}',
      ),
      false,
    );
    await flush();

    expect(socket.closedWith).toBeUndefined();
    expect(socket.sent[0]).toMatchObject({
      type: 'error',
      id: 'r1',
      error: { code: 'live.not_ready' },
    });
    expect(socket.sent.map((sent) => sent.type)).toContain('ready');
  });

  it('closes 4400 when a request comes before any credentials', () => {
    const { socket, connection } = setup({ pages: [] });
    connection.start({});
    socket.emit(
      'message',
      Buffer.from('{"type":"conversation.read","id":"r1","conversationId":"c1","seq":1}'),
      false,
    );

    expect(socket.closedWith?.code).toBe(4400);
  });

  it('closes 4401 auth expired when the token runs out', async () => {
    const { socket, connection, now } = setup({ pages: [] });
    connection.start({ token: 'good' });
    await flush();
    now.value += 60_000;
    connection.sweep(now.value, false);

    expect(socket.closedWith).toEqual({ code: 4401, reason: 'auth expired' });
  });

  it('closes 4408 when no token arrives in time', () => {
    const { socket, connection, now } = setup({ pages: [] });
    connection.start({});
    connection.sweep(now.value + 9_000, false);
    expect(socket.closedWith).toBeUndefined();

    connection.sweep(now.value + 10_000, false);
    expect(socket.closedWith).toEqual({ code: 4408, reason: 'auth timeout' });
  });

  it('closes 4401 for a refused token', async () => {
    const { socket, connection } = setup({ pages: [] });
    connection.start({ token: 'stale' });
    await flush();

    expect(socket.closedWith?.code).toBe(4401);
  });

  it('closes 4401 session ended for a token of a session that has ended', async () => {
    const { socket, connection } = setup({ pages: [], ended: ['s1'] });
    connection.start({ token: 'good' });
    await flush();

    expect(socket.closedWith).toEqual({ code: 4401, reason: 'session ended' });
    expect(socket.sent).toEqual([]);
  });

  it('closes 4401 session ended at the next sweep once its session ends', async () => {
    const { socket, connection, now, ended } = setup({ pages: [] });
    connection.start({ token: 'good' });
    await flush();
    connection.sweep(now.value, false);
    expect(socket.closedWith).toBeUndefined();

    ended.add('s1');
    connection.sweep(now.value, false);

    expect(connection.sessionId).toBe('s1');
    expect(socket.closedWith).toEqual({ code: 4401, reason: 'session ended' });
  });

  it('writes signals without seq, only those for every session or for its own', async () => {
    const { socket, connection } = setup({ pages: [] });
    connection.start({ token: 'good' });
    await flush();
    const before = socket.sent.length;

    connection.signal({
      type: 'two_factor.approval_requested',
      data: { id: 'a1' },
      sessionId: 's1',
    });
    connection.signal({
      type: 'two_factor.approval_requested',
      data: { id: 'a2' },
      sessionId: 's2',
    });
    connection.signal({ type: 'notice', data: null });

    expect(socket.sent.slice(before)).toEqual([
      { type: 'two_factor.approval_requested', data: { id: 'a1' } },
      { type: 'notice', data: null },
    ]);
  });

  it('writes no signal before the socket is authenticated', () => {
    const { socket, connection } = setup({ pages: [] });
    connection.start({});

    connection.signal({ type: 'notice', data: null });

    expect(socket.sent).toEqual([]);
  });
});
