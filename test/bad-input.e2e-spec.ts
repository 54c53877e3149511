import { randomUUID } from 'node:crypto';

import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';

import {
  ApiClient,
  ApiErrorBody,
  ApiResponse,
  Conversation,
  createGroup,
  createUsers,
  fullHistory,
  LiveSocket,
  recentSessions,
  sendRawBody,
  sendText,
  signInAdmin,
  TestUser,
  useStack,
} from './support';

/** Waits past the gateway's 10 s authentication deadline and its sweep. */
const AUTH_TIMEOUT_WAIT_MS = 16_000;

/** The same claims as a real token, signed with a key the issuer never had. */
async function forgedToken(realToken: string, kid?: string): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  const header = decodeProtectedHeader(realToken);

  return new SignJWT(decodeJwt(realToken))
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: kid ?? header.kid })
    .sign(privateKey);
}

function expectError(
  response: ApiResponse<unknown>,
  status: number,
  code: string,
): ApiErrorBody['error'] {
  const body = response.body as ApiErrorBody;
  expect({ status: response.status, code: body?.error?.code }).toEqual({ status, code });

  return body.error;
}

describe('bad input through the gateway', () => {
  const stack = useStack();
  let alice: TestUser;
  let bob: TestUser;
  let group: Conversation;
  let before: unknown;
  const messagesPath = () => `/conversations/${group.id}/messages`;

  /** What a bad request must leave untouched: the history and both people's home lists. */
  const written = async () => ({
    history: await fullHistory(alice.api, group.id),
    aliceSessions: await recentSessions(alice.api, 'flat'),
    bobSessions: await recentSessions(bob.api, 'folded'),
  });

  beforeAll(async () => {
    const admin = await signInAdmin(stack().gatewayUrl);
    [alice, bob] = await createUsers(admin, 2);
    group = await createGroup(alice, [bob]);
    await sendText(alice, group.id, 'first');
    await sendText(bob, group.id, 'second');
    before = await written();
  });

  afterEach(async () => {
    expect(await written()).toEqual(before);
  });

  describe('HTTP bodies', () => {
    it('answers 400 request.malformed to a body that is not JSON', async () => {
      const response = await sendRawBody(alice.api, 'POST', messagesPath(), '{"kind": "text", ');

      const error = expectError(response, 400, 'request.malformed');
      expect(error.correlationId).toEqual(expect.any(String));
    });

    it('answers 400 request.invalid naming an unknown field', async () => {
      const response = await alice.api.post(messagesPath(), {
        clientMessageId: randomUUID(),
        kind: 'text',
        text: 'hello',
        colour: 'red',
      });

      const error = expectError(response, 400, 'request.invalid');
      expect(error.details).toMatchObject({ fields: { colour: expect.any(Array) } });
    });

    it('answers 400 request.invalid naming every missing field', async () => {
      const empty = await alice.api.post(messagesPath(), {});
      const textWithoutText = await alice.api.post(messagesPath(), { kind: 'text' });

      const fieldsOf = (error: ApiErrorBody['error']) =>
        Object.keys((error.details as { fields: object }).fields).sort();
      expect(fieldsOf(expectError(empty, 400, 'request.invalid'))).toEqual([
        'clientMessageId',
        'kind',
      ]);
      expect(fieldsOf(expectError(textWithoutText, 400, 'request.invalid'))).toEqual([
        'clientMessageId',
        'text',
      ]);
    });

    it('answers 400 request.invalid naming fields of the wrong type', async () => {
      const response = await alice.api.post(messagesPath(), {
        clientMessageId: 42,
        kind: 'video',
        text: ['not', 'a', 'string'],
      });

      const error = expectError(response, 400, 'request.invalid');
      expect(error.details).toMatchObject({
        fields: {
          clientMessageId: expect.any(Array),
          kind: expect.any(Array),
        },
      });
    });

    it('answers 400 request.invalid to a read without a whole-number seq', async () => {
      const response = await alice.api.post(`/conversations/${group.id}/read`, { seq: 'all' });

      const error = expectError(response, 400, 'request.invalid');
      expect(error.details).toMatchObject({ fields: { seq: expect.any(Array) } });
    });

    it('answers 400 request.invalid to a group whose members are not UUIDs', async () => {
      const response = await alice.api.post('/conversations', {
        title: 'never made',
        memberIds: ['bob'],
      });

      const error = expectError(response, 400, 'request.invalid');
      expect(Object.keys((error.details as { fields: object }).fields)[0]).toMatch(/^memberIds/);
    });

    it('answers 413 request.too_large to a body over 256 KiB', async () => {
      const body = JSON.stringify({
        clientMessageId: randomUUID(),
        kind: 'text',
        text: 'x'.repeat(300 * 1024),
      });

      const response = await sendRawBody(alice.api, 'POST', messagesPath(), body);

      expectError(response, 413, 'request.too_large');
    });

    it('answers 413 message.too_large to a text over the message limit', async () => {
      const response = await alice.api.post(messagesPath(), {
        clientMessageId: randomUUID(),
        kind: 'text',
        text: 'x'.repeat(10_001),
      });

      expectError(response, 413, 'message.too_large');
    });
  });

  describe('HTTP queries', () => {
    it.each([
      ['history', () => `/conversations/${group.id}/messages?cursor=not-a-cursor`],
      ['members', () => `/conversations/${group.id}/members?cursor=not-a-cursor`],
      ['recent sessions', () => '/recent-sessions?cursor=not-a-cursor'],
    ])('answers 400 request.cursor_invalid to a bad %s cursor', async (_name, path) => {
      expectError(await alice.api.get(path()), 400, 'request.cursor_invalid');
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['limit=ten', 'limit'],
      ['direction=sideways', 'direction'],
      ['seq=-1', 'seq'],
    ])('answers 400 request.invalid to history with %s', async (query, field) => {
      const response = await alice.api.get(`${messagesPath()}?${query}`);

      const error = expectError(response, 400, 'request.invalid');
      expect(error.details).toMatchObject({ fields: { [field]: expect.any(Array) } });
    });

    it('answers 400 request.invalid to an unknown recent-sessions view', async () => {
      expectError(await alice.api.get('/recent-sessions?view=sideways'), 400, 'request.invalid');
    });

    it('answers 404 request.route_not_found to an unknown route', async () => {
      expectError(await alice.api.get('/no-such-thing'), 404, 'request.route_not_found');
    });
  });

  describe('bearer tokens', () => {
    const send = (api: ApiClient, headers: Record<string, string> = {}) =>
      api.post(
        `/conversations/${group.id}/messages`,
        { clientMessageId: randomUUID(), kind: 'text', text: 'should not land' },
        headers,
      );

    it('answers 401 auth.token_missing without a token', async () => {
      expectError(await send(new ApiClient(stack().gatewayUrl)), 401, 'auth.token_missing');
    });

    it('answers 401 auth.token_invalid to a malformed token', async () => {
      const api = new ApiClient(stack().gatewayUrl, 'not.a.token');

      expectError(await send(api), 401, 'auth.token_invalid');
    });

    it('answers 401 auth.token_invalid to a token signed with another key under the real key id', async () => {
      const api = new ApiClient(stack().gatewayUrl, await forgedToken(alice.api.token!));

      expectError(await send(api), 401, 'auth.token_invalid');
    });

    it('answers 401 auth.token_invalid to a token signed with an unknown key id', async () => {
      const api = new ApiClient(stack().gatewayUrl, await forgedToken(alice.api.token!, 'rogue'));

      expectError(await send(api), 401, 'auth.token_invalid');
    });

    it('answers 401 auth.token_invalid to a real token whose claims were altered', async () => {
      const [header, , signature] = alice.api.token!.split('.');
      const claims = {
        ...decodeJwt(alice.api.token!),
        exp: Math.floor(Date.now() / 1000) + 86_400,
      };
      const altered = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;

      expectError(
        await send(new ApiClient(stack().gatewayUrl, altered)),
        401,
        'auth.token_invalid',
      );
    });
  });

  describe('WebSocket', () => {
    it('closes with 4400 when a signed-in device sends garbage', async () => {
      const socket = await LiveSocket.open(stack().gatewayUrl, alice.api.token!);

      socket.sendRaw('this is not json');

      expect((await socket.waitClosed()).code).toBe(4400);
    });

    it.each([
      ['an unknown frame type', JSON.stringify({ type: 'message.explode' })],
      ['a JSON array', '[1,2,3]'],
    ])('closes with 4400 on %s', async (_name, raw) => {
      const socket = await LiveSocket.open(stack().gatewayUrl, alice.api.token!);

      socket.sendRaw(raw);

      expect((await socket.waitClosed()).code).toBe(4400);
    });

    it('closes with 4400 on a binary frame', async () => {
      const socket = await LiveSocket.open(stack().gatewayUrl, alice.api.token!);

      socket.sendRaw(Buffer.from([1, 2, 3]), { binary: true });

      expect((await socket.waitClosed()).code).toBe(4400);
    });

    it('closes with 4400 on a request before authentication, storing nothing', async () => {
      const socket = await LiveSocket.connect(stack().gatewayUrl);

      socket.send({
        type: 'message.send',
        id: 1,
        conversationId: group.id,
        clientMessageId: randomUUID(),
        kind: 'text',
        text: 'sneaky',
      });

      expect((await socket.waitClosed()).code).toBe(4400);
    });

    it('closes with 4401 on a bad token in the query', async () => {
      const socket = await LiveSocket.connect(stack().gatewayUrl, { token: 'garbage' });

      expect(await socket.waitClosed()).toEqual({ code: 4401, reason: 'auth failed' });
      expect(socket.framesOf('ready')).toEqual([]);
    });

    it('closes with 4401 on a wrongly signed token in the auth frame', async () => {
      const socket = await LiveSocket.connect(stack().gatewayUrl);

      socket.send({ type: 'auth', token: await forgedToken(alice.api.token!) });

      expect(await socket.waitClosed()).toEqual({ code: 4401, reason: 'auth failed' });
      expect(socket.framesOf('ready')).toEqual([]);
    });

    it('closes with 4429 when a device floods frames', async () => {
      const socket = await LiveSocket.open(stack().gatewayUrl, alice.api.token!);

      for (let i = 0; i < 400; i++) {
        socket.send({ type: 'ping' });
      }

      expect((await socket.waitClosed()).code).toBe(4429);
    });

    it('accepts a steady trickle of pings under the flood limit', async () => {
      const socket = await LiveSocket.open(stack().gatewayUrl, alice.api.token!);

      for (let i = 0; i < 20; i++) {
        socket.send({ type: 'ping' });
      }
      await socket.next(() => socket.framesOf('pong').length === 20);

      expect(socket.closed).toBeUndefined();
      await socket.close();
    });

    it(
      'closes with 4408 a socket that never authenticates',
      async () => {
        const socket = await LiveSocket.connect(stack().gatewayUrl);

        expect((await socket.waitClosed(AUTH_TIMEOUT_WAIT_MS)).code).toBe(4408);
      },
      AUTH_TIMEOUT_WAIT_MS + 5_000,
    );
  });
});
