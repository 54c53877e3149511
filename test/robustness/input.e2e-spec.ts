import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';

import {
  Conversation,
  expectStatus,
  fullHistory,
  LiveSocket,
  Message,
  recentSessions,
  sendRawBody,
  TestUser,
  useStack,
} from '../support';

import { expectClientError, expectNothingWritten, useHostileInputFixture } from './hostile-input';

/** One HTTP/1.1 request written byte for byte, for headers fetch would refuse to send. */
function rawHttp(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);

  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(request));
    let answer = '';
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer')));
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('hostile input through the gateway', () => {
  const stack = useStack();
  const fixture = useHostileInputFixture(stack);
  const path = fixture.path;
  let alice: TestUser;
  let bob: TestUser;
  let group: Conversation;

  beforeAll(() => {
    ({ alice, bob, group } = fixture.get());
  });

  describe('bodies that must be refused and change nothing', () => {
    expectNothingWritten(fixture);

    it('answers 400 request.invalid to more member ids than one request may add', async () => {
      const userIds = Array.from({ length: 5_000 }, () => randomUUID());

      expectClientError(await alice.api.post(`${path()}/members`, { userIds }), 'request.invalid');
      expectClientError(
        await alice.api.post('/conversations', { title: 'big', memberIds: userIds }),
        'request.invalid',
      );
    });

    it('answers 422 conversation.unknown_users to a full batch of unknown member ids', async () => {
      const userIds = Array.from({ length: 500 }, () => randomUUID());

      expectClientError(
        await alice.api.post(`${path()}/members`, { userIds }),
        'conversation.unknown_users',
      );
    });

    it('answers 400 to a read seq given as a string', async () => {
      expectClientError(await alice.api.post(`${path()}/read`, { seq: '2' }), 'request.invalid');
    });

    it.each([
      ['a negative seq', -1],
      ['a fraction', 1.5],
    ])('answers 400 to a read with %s', async (_name, seq) => {
      expectClientError(await alice.api.post(`${path()}/read`, { seq }), 'request.invalid');
    });

    it.each([
      ['the same field twice', 'limit=1&limit=2'],
      ['a seq beyond 2^53', 'seq=9007199254740993'],
      ['a limit as an exponent', 'limit=1e2'],
      ['an array-style field', 'limit[]=5'],
    ])('answers history with %s with a 4xx, not a server error', async (_name, query) => {
      const response = await alice.api.get(`${path()}/messages?${query}`);

      expect(response.status).toBeLessThan(500);
      if (response.status !== 200) {
        expectClientError(response);
      }
    });

    it('answers a JSON body labelled text/plain with 400 and stores nothing', async () => {
      const body = JSON.stringify({ clientMessageId: randomUUID(), kind: 'text', text: 'plain' });

      const response = await sendRawBody(alice.api, 'POST', `${path()}/messages`, body, {
        'content-type': 'text/plain',
      });

      expectClientError(response);
    });

    it.each(['PUT', 'PATCH', 'DELETE'])(
      'answers %s on the messages route with a 4xx and an error code',
      async (method) => {
        const response = await alice.api.request(method, `${path()}/messages`, {
          clientMessageId: randomUUID(),
          kind: 'text',
          text: 'wrong verb',
        });

        expectClientError(response);
      },
    );

    it.each([
      ['a space', 'has space'],
      ['a non-ASCII character', 'clé'],
      ['129 characters', 'k'.repeat(129)],
    ])('answers an Idempotency-Key with %s with 400 request.invalid', async (_name, key) => {
      const response = await alice.api.post(
        '/conversations',
        { title: 'idem', memberIds: [] },
        { 'idempotency-key': encodeURI(key) === key ? key : key },
      );

      expectClientError(response, 'request.invalid');
    });

    it('answers an Idempotency-Key carrying an injected header line without creating anything', async () => {
      const body = JSON.stringify({ title: 'injected', memberIds: [] });
      const { host } = new URL(stack().gatewayUrl);

      const answer = await rawHttp(
        stack().gatewayUrl,
        `POST /api/v1/conversations HTTP/1.1\r\nHost: ${host}\r\n` +
          `Authorization: Bearer ${alice.api.token}\r\nContent-Type: application/json\r\n` +
          `Idempotency-Key: abc\rX-Injected: 1\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `Connection: close\r\n\r\n${body}`,
      );

      expect(answer).toMatch(/^HTTP\/1\.1 4\d\d /);
      expect(answer).not.toMatch(/^x-injected/im);
      const titles = (await recentSessions(alice.api, 'flat')).map((s) => s.conversation?.title);
      expect(titles).not.toContain('injected');
    });
  });

  describe('unicode in text and titles', () => {
    it.each([
      ['right-to-left marks', '\u202Eabc\u202C \u200F\u05E9\u05DC\u05D5\u05DD'],
      ['an emoji with zero-width joiners', 'family 👨‍👩‍👧‍👦 and flag 🏳️‍🌈'],
      ['combining marks and astral characters', 'e\u0301 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠀀'],
    ])('stores and returns text with %s exactly as sent', async (_name, text) => {
      const response = await alice.api.post<{ message: Message }>(`${path()}/messages`, {
        clientMessageId: randomUUID(),
        kind: 'text',
        text,
      });

      expect(expectStatus(response, 201).message.text).toBe(text);
      const history = await fullHistory(bob.api, group.id);
      expect(history[history.length - 1].text).toBe(text);
    });

    it('accepts a zero-width-joiner emoji sequence as one emoji', async () => {
      const response = await alice.api.post<{ message: Message }>(`${path()}/messages`, {
        clientMessageId: randomUUID(),
        kind: 'emoji',
        emoji: '👩‍💻',
      });

      expect(expectStatus(response, 201).message.emoji).toBe('👩‍💻');
    });
  });

  describe('WebSocket frames', () => {
    const open = () => LiveSocket.open(stack().gatewayUrl, alice.api.token!);

    it.each([
      ['a send without fields', { type: 'message.send', id: 'x' }],
      ['a read with a string seq', { type: 'conversation.read', id: 'x', seq: '1' }],
      ['a send with an object text', { type: 'message.send', id: 'x', text: { a: 1 } }],
    ])('answers %s with request.invalid and keeps the socket open', async (_name, frame) => {
      const socket = await open();
      const full = { ...frame, conversationId: group.id };

      socket.send(full);
      const answer = await socket.next((f) => f.id === 'x');

      expect([answer.type, answer.error?.code]).toEqual(['error', 'request.invalid']);
      socket.send({ type: 'ping' });
      await socket.next((f) => f.type === 'pong');
      await socket.close();
    });

    it.each([
      ['a type that is not a string', { type: 42 }],
      ['a JSON string', 'message.send'],
      ['null', null],
    ])('closes with 4400 on %s', async (_name, frame) => {
      const socket = await open();

      socket.sendRaw(JSON.stringify(frame));

      expect((await socket.waitClosed()).code).toBe(4400);
    });

    it('answers a frame of exactly 64 KiB and closes with 4400 one byte over', async () => {
      const frameOf = (bytes: number) => {
        const shell = JSON.stringify({ type: 'ping', pad: '' });

        return JSON.stringify({ type: 'ping', pad: 'x'.repeat(bytes - shell.length) });
      };
      const socket = await open();

      socket.sendRaw(frameOf(64 * 1024));
      await socket.next((f) => f.type === 'pong');
      socket.sendRaw(frameOf(64 * 1024 + 1));

      expect((await socket.waitClosed()).code).toBe(4400);
    });

    it('closes with 1009 on a frame over 128 KiB', async () => {
      const socket = await open();

      socket.sendRaw(JSON.stringify({ type: 'ping', pad: 'x'.repeat(130 * 1024) }));

      expect((await socket.waitClosed()).code).toBe(1009);
    });

    it('closes with 4400 on a second auth frame while the first is being checked', async () => {
      const socket = await LiveSocket.connect(stack().gatewayUrl);

      socket.send({ type: 'auth', token: alice.api.token });
      socket.send({ type: 'auth', token: alice.api.token });

      expect((await socket.waitClosed()).code).toBe(4400);
    });

    it('closes with 4400 on an auth frame after the socket is ready', async () => {
      const socket = await open();

      socket.send({ type: 'auth', token: alice.api.token });

      expect((await socket.waitClosed()).code).toBe(4400);
    });

    it.each([
      ['negative', '-1'],
      ['not a number', 'abc'],
      ['a fraction', '1.5'],
    ])('closes with 4400 a socket whose since is %s', async (_name, since) => {
      const socket = await LiveSocket.connect(stack().gatewayUrl, {
        token: alice.api.token,
        since: since as unknown as number,
      });

      expect((await socket.waitClosed()).code).toBe(4400);
      expect(socket.framesOf('ready')).toEqual([]);
    });
  });
});
