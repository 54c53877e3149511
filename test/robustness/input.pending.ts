// Cases where the API answers 5xx, or accepts and alters what it should refuse: each test
// states the promised behaviour and passes once the product gives it.
import { randomUUID } from 'node:crypto';

import {
  ApiErrorBody,
  ApiResponse,
  Conversation,
  createGroup,
  createUsers,
  expectStatus,
  fullHistory,
  LiveSocket,
  Message,
  recentSessions,
  sendRawBody,
  signInAdmin,
  TestUser,
  useStack,
} from '../support';

const cursorOf = (position: object) => Buffer.from(JSON.stringify(position)).toString('base64url');

/** The status and code of an answer, for comparing several at once. */
function outcome(response: ApiResponse<unknown>) {
  return { status: response.status, code: (response.body as ApiErrorBody)?.error?.code };
}

/** A client error with a machine-readable code (the given one, when named), never a 5xx. */
function expectClientError(response: ApiResponse<unknown>, code?: string): void {
  const { status, code: actual } = outcome(response);
  expect(`${status} ${actual}`).toMatch(
    code ? new RegExp(`^4\\d\\d ${code}$`) : /^4\d\d [a-z_.]+$/,
  );
}

describe('hostile input the gateway does not yet refuse cleanly', () => {
  const stack = useStack();
  let alice: TestUser;
  let bob: TestUser;
  let group: Conversation;
  let before: unknown;
  const path = () => `/conversations/${group.id}`;

  const written = async () => ({
    history: await fullHistory(alice.api, group.id),
    conversation: expectStatus(await alice.api.get(path()), 200),
    sessions: (await recentSessions(alice.api, 'flat')).length,
  });

  beforeAll(async () => {
    const admin = await signInAdmin(stack().gatewayUrl);
    [alice, bob] = await createUsers(admin, 2);
    group = await createGroup(alice, [bob]);
    for (let i = 0; i < 3; i++) {
      expectStatus(
        await alice.api.post(`${path()}/messages`, {
          clientMessageId: randomUUID(),
          kind: 'text',
          text: `m${i}`,
        }),
        201,
      );
    }
  });

  describe('bodies that must be refused and change nothing', () => {
    beforeEach(async () => {
      before = await written();
    });

    afterEach(async () => {
      expect(await written()).toEqual(before);
    });

    it('answers a deeply nested body with a 400', async () => {
      const depth = 40_000;
      const nested = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      const body = `{"clientMessageId":"${randomUUID()}","kind":"text","text":${nested}}`;

      expectClientError(await sendRawBody(alice.api, 'POST', `${path()}/messages`, body));
    });

    it('answers a deeply nested array of member ids with a 400', async () => {
      const depth = 40_000;
      const body = `{"title":"deep","memberIds":${'['.repeat(depth)}${']'.repeat(depth)}}`;

      expectClientError(await sendRawBody(alice.api, 'POST', '/conversations', body));
    });

    it('answers history with a seq beyond the largest stored position with a 4xx', async () => {
      const response = await alice.api.get(`${path()}/messages?seq=99999999999999999999999`);

      expectClientError(response);
    });

    it.each([
      ['a fractional seq', { d: 'f', s: 1.5 }],
      ['an exponent seq', { d: 'b', s: 1e300 }],
    ])('answers a history cursor with %s with 400 request.cursor_invalid', async (_n, position) => {
      const response = await alice.api.get(`${path()}/messages?cursor=${cursorOf(position)}`);

      expectClientError(response, 'request.cursor_invalid');
    });

    it('answers a members cursor naming no user with 400 request.cursor_invalid', async () => {
      const response = await alice.api.get(`${path()}/members?cursor=${cursorOf({ u: 'me' })}`);

      expectClientError(response, 'request.cursor_invalid');
    });

    it('answers a recent-sessions cursor with a fractional pin flag with 400 request.cursor_invalid', async () => {
      const cursor = cursorOf({ p: 0.5, a: 1, i: randomUUID() });

      expectClientError(
        await alice.api.get(`/recent-sessions?cursor=${cursor}`),
        'request.cursor_invalid',
      );
    });

    it('answers a form-encoded send without storing a message', async () => {
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
    });
  });

  describe('unicode in text and titles', () => {
    it('answers a text with a NUL character with a 4xx or stores it exactly', async () => {
      before = await written();
      const text = 'before\u0000after';

      const response = await alice.api.post<{ message: Message }>(`${path()}/messages`, {
        clientMessageId: randomUUID(),
        kind: 'text',
        text,
      });

      if (response.status === 201) {
        expect(response.body.message.text).toBe(text);
      } else {
        expectClientError(response);
        expect(await written()).toEqual(before);
      }
    });

    it('answers a group title with a NUL character with a 4xx or stores it exactly', async () => {
      const title = 'nul\u0000title';

      const response = await alice.api.post<Conversation>('/conversations', {
        title,
        memberIds: [bob.id],
      });

      if (response.status === 201) {
        expect(response.body.title).toBe(title);
      } else {
        expectClientError(response);
      }
    });

    it('answers a text with a lone surrogate with a 4xx or stores it unchanged', async () => {
      const body = `{"clientMessageId":"${randomUUID()}","kind":"text","text":"lone \\ud800 surrogate"}`;

      const response = await sendRawBody<{ message: Message }>(
        alice.api,
        'POST',
        `${path()}/messages`,
        body,
      );

      if (response.status === 201) {
        expect(response.body.message.text).toBe('lone \ud800 surrogate');
      } else {
        expectClientError(response as ApiResponse<unknown>);
      }
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
    it('does not let a resume point ahead of the stream silence the socket', async () => {
      const socket = await LiveSocket.open(stack().gatewayUrl, bob.api.token!, 999_999_999_999_999);
      const answer = await alice.api.post<{ message: Message }>(`${path()}/messages`, {
        clientMessageId: randomUUID(),
        kind: 'text',
        text: 'can you hear me',
      });
      const sent = expectStatus(answer, 201).message;

      const outcomeOf = await Promise.race([
        socket
          .next((f) => f.type === 'message.created' && (f.data as Message).id === sent.id, 3_000)
          .then(() => 'delivered'),
        socket.waitClosed(3_000).then(({ code }) => `closed ${code}`),
      ]).catch(() => 'silent');

      expect(outcomeOf).not.toBe('silent');
      await socket.close();
    });
  });
});
