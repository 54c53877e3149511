// Input that once answered 5xx, or was accepted and altered: each test states the
// status and code the API promises instead.
import { randomUUID } from 'node:crypto';

import {
  ApiErrorBody,
  ApiResponse,
  Conversation,
  expectStatus,
  LiveSocket,
  Message,
  recentSessions,
  sendRawBody,
  TestUser,
  useStack,
} from '../support';

import {
  expectClientError,
  expectNothingWritten,
  outcome,
  useHostileInputFixture,
} from './hostile-input';

const cursorOf = (position: object) => Buffer.from(JSON.stringify(position)).toString('base64url');

/** Exactly this status and code, and (when named) the field the details point at. */
function expectRefusal(
  response: ApiResponse<unknown>,
  status: number,
  code: string,
  field?: string,
): void {
  expectClientError(response, code);
  expect(outcome(response)).toEqual({ status, code });
  if (field) {
    expect((response.body as ApiErrorBody).error.details?.fields).toHaveProperty([field]);
  }
}

describe('hostile input the gateway refuses cleanly', () => {
  const stack = useStack();
  const fixture = useHostileInputFixture(stack);
  const path = fixture.path;
  const written = fixture.written;
  let before: unknown;
  let alice: TestUser;
  let bob: TestUser;
  let group: Conversation;

  beforeAll(() => {
    ({ alice, bob, group } = fixture.get());
  });

  describe('bodies that must be refused and change nothing', () => {
    expectNothingWritten(fixture);

    it('answers a deeply nested body with 400 request.invalid', async () => {
      const depth = 40_000;
      const nested = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      const body = `{"clientMessageId":"${randomUUID()}","kind":"text","text":${nested}}`;

      const response = await sendRawBody(alice.api, 'POST', `${path()}/messages`, body);

      expectClientError(response);
      expectRefusal(response, 400, 'request.invalid');
      expect(response.body.error.details).toMatchObject({ reason: 'too_deep' });
    });

    it('answers a deeply nested array of member ids with 400 request.invalid', async () => {
      const depth = 40_000;
      const body = `{"title":"deep","memberIds":${'['.repeat(depth)}${']'.repeat(depth)}}`;

      const response = await sendRawBody(alice.api, 'POST', '/conversations', body);

      expectClientError(response);
      expectRefusal(response, 400, 'request.invalid');
    });

    it('answers history with a seq beyond the largest stored position with 400 request.invalid', async () => {
      const response = await alice.api.get(`${path()}/messages?seq=99999999999999999999999`);

      expectClientError(response);
      expectRefusal(response, 400, 'request.invalid', 'seq');
    });

    it('answers a sync since beyond 2^53 with 400 request.invalid', async () => {
      expectRefusal(await alice.api.get('/sync?since=1e23'), 400, 'request.invalid', 'since');
    });

    it.each([
      ['a fractional seq', { d: 'f', s: 1.5 }],
      ['an exponent seq', { d: 'b', s: 1e300 }],
    ])('answers a history cursor with %s with 400 request.cursor_invalid', async (_n, position) => {
      const response = await alice.api.get(`${path()}/messages?cursor=${cursorOf(position)}`);

      expectClientError(response, 'request.cursor_invalid');
      expectRefusal(response, 400, 'request.cursor_invalid');
    });

    it('answers a members cursor naming no user with 400 request.cursor_invalid', async () => {
      const response = await alice.api.get(`${path()}/members?cursor=${cursorOf({ u: 'me' })}`);

      expectClientError(response, 'request.cursor_invalid');
      expectRefusal(response, 400, 'request.cursor_invalid');
    });

    it('answers a recent-sessions cursor with a fractional pin flag with 400 request.cursor_invalid', async () => {
      const cursor = cursorOf({ p: 0.5, a: 1, i: randomUUID() });

      const response = await alice.api.get(`/recent-sessions?cursor=${cursor}`);

      expectClientError(response, 'request.cursor_invalid');
      expectRefusal(response, 400, 'request.cursor_invalid');
    });

    it('answers a form-encoded send with 415 without storing a message', async () => {
      const response = await fetch(`${stack().gatewayUrl}/api/v1${path()}/messages`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${alice.api.token}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ clientMessageId: randomUUID(), kind: 'text', text: 'form' }),
      });

      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.status).toBe(415);
      expect(((await response.json()) as ApiErrorBody).error.code).toBe(
        'request.unsupported_media_type',
      );
    });
  });

  describe('unicode in text and titles', () => {
    // PostgreSQL text cannot hold NUL, and an unpaired surrogate would be stored as
    // U+FFFD: neither can be stored exactly, so both are refused and nothing is written.
    it('answers a text with a NUL character with 400 request.invalid and stores nothing', async () => {
      before = await written();
      const text = 'before\u0000after';

      const response = await alice.api.post<{ message: Message }>(`${path()}/messages`, {
        clientMessageId: randomUUID(),
        kind: 'text',
        text,
      });

      expect(response.status).not.toBe(201);
      expectClientError(response);
      expectRefusal(response, 400, 'request.invalid', 'text');
      expect(await written()).toEqual(before);
    });

    it('answers a group title with a NUL character with 400 request.invalid', async () => {
      const title = 'nul\u0000title';
      const sessions = (await recentSessions(alice.api, 'flat')).length;

      const response = await alice.api.post<Conversation>('/conversations', {
        title,
        memberIds: [bob.id],
      });

      expect(response.status).not.toBe(201);
      expectClientError(response);
      expectRefusal(response, 400, 'request.invalid', 'title');
      expect((await recentSessions(alice.api, 'flat')).length).toBe(sessions);
    });

    it('answers a text with a lone surrogate with 400 request.invalid and stores nothing', async () => {
      before = await written();
      const body = `{"clientMessageId":"${randomUUID()}","kind":"text","text":"lone \\ud800 surrogate"}`;

      const response = await sendRawBody<{ message: Message }>(
        alice.api,
        'POST',
        `${path()}/messages`,
        body,
      );

      expect(response.status).not.toBe(201);
      expectClientError(response as ApiResponse<unknown>);
      expectRefusal(response as ApiResponse<unknown>, 400, 'request.invalid', 'text');
      expect(await written()).toEqual(before);
    });

    it('answers a clientMessageId the API documents as valid with the send, not a refusal', async () => {
      const response = await alice.api.post(`${path()}/messages`, {
        clientMessageId: `device.1:${randomUUID()}`,
        kind: 'text',
        text: 'dotted id',
      });

      expect(outcome(response)).toEqual({ status: 201, code: undefined });
    });
  });

  describe('WebSocket frames', () => {
    it.each([
      ['a text with a NUL character', '"before\\u0000after"', 'nul_character'],
      ['a text with a lone surrogate', '"lone \\ud800 surrogate"', 'ill_formed_unicode'],
      [
        'a text nested 30,000 levels deep',
        `${'['.repeat(30_000)}${']'.repeat(30_000)}`,
        'too_deep',
      ],
    ])(
      'answers a message.send with %s with request.invalid and sends nothing',
      async (_n, text, reason) => {
        before = await written();
        const socket = await LiveSocket.open(stack().gatewayUrl, alice.api.token!);

        socket.sendRaw(
          `{"type":"message.send","id":"bad","conversationId":"${group.id}",` +
            `"clientMessageId":"${randomUUID()}","kind":"text","text":${text}}`,
        );
        const answer = await socket.next((f) => f.id === 'bad');

        expect([answer.type, answer.error?.code]).toEqual(['error', 'request.invalid']);
        expect((answer.error as { details?: { reason?: string } }).details?.reason).toBe(reason);
        socket.send({ type: 'ping' });
        await socket.next((f) => f.type === 'pong');
        await socket.close();
        expect(await written()).toEqual(before);
      },
    );

    it('does not let a resume point ahead of the stream silence the socket', async () => {
      const since = 999_999_999_999_999;
      // Shows when the frame is out: a live frame may wait on any transaction of the
      // PostgreSQL server (the horizon is server-wide), far longer on a loaded machine.
      const witness = await LiveSocket.open(stack().gatewayUrl, bob.api.token!);
      const socket = await LiveSocket.open(stack().gatewayUrl, bob.api.token!, since);
      const resync = await socket.next((f) => f.type === 'resync.required', 3_000);
      const ready = socket.frames.find((f) => f.type === 'ready');
      expect(resync.seq).toBeLessThan(since);
      expect(ready?.seq).toBe(resync.seq);
      const answer = await alice.api.post<{ message: Message }>(`${path()}/messages`, {
        clientMessageId: randomUUID(),
        kind: 'text',
        text: 'can you hear me',
      });
      const sent = expectStatus(answer, 201).message;
      const isSent = (f: { type: string; data?: unknown }) =>
        f.type === 'message.created' && (f.data as Message | undefined)?.id === sent.id;
      await witness.next(isSent, 30_000);

      // Both sockets of a user on a node get each frame from one subscription.
      const outcomeOf = await Promise.race([
        socket.next(isSent, 3_000).then(() => 'delivered'),
        socket.waitClosed(3_000).then(({ code }) => `closed ${code}`),
      ]).catch(() => 'silent');

      expect(outcomeOf).not.toBe('silent');
      expect(outcomeOf).toBe('delivered');
      await Promise.all([socket.close(), witness.close()]);
    });
  });
});
