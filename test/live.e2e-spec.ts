import { randomUUID } from 'node:crypto';

import {
  ApiClient,
  createGroup,
  createUsers,
  expectStatus,
  fullHistory,
  LiveFrame,
  LiveSocket,
  Message,
  openPrivate,
  sendText,
  sessionOf,
  signInAdmin,
  sleep,
  TestUser,
  useStack,
} from './support';

/** How long to keep listening after the expected frames came, to catch doubles. */
const SETTLE_MS = 500;

interface ChangeItem {
  type: string;
  seq: number;
  conversationId: string | null;
  data: unknown;
}

/** The change frames a socket received (not ready, acks, errors or pongs). */
function changes(socket: LiveSocket): LiveFrame[] {
  return socket.frames.filter(
    (frame) => typeof frame.seq === 'number' && frame.type !== 'ready' && frame.id === undefined,
  );
}

function messageIds(socket: LiveSocket): string[] {
  return socket.framesOf('message.created').map((frame) => (frame.data as Message).id);
}

function expectStrictlyIncreasing(seqs: number[]): void {
  const sorted = [...new Set(seqs)].sort((a, b) => a - b);
  expect(seqs).toEqual(sorted);
}

function waitForMessage(socket: LiveSocket, messageId: string, timeoutMs = 10_000) {
  return socket.next(
    (frame) => frame.type === 'message.created' && (frame.data as Message).id === messageId,
    timeoutMs,
  );
}

describe('live changes on the WebSocket', () => {
  const stack = useStack();
  const sockets: LiveSocket[] = [];
  let admin: ApiClient;

  const open = async (user: TestUser, since?: number) => {
    const socket = await LiveSocket.open(stack().gatewayUrl, user.api.token!, since);
    sockets.push(socket);

    return socket;
  };

  beforeAll(async () => {
    admin = await signInAdmin(stack().gatewayUrl);
  });

  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((socket) => socket.close()));
  });

  it('delivers message.created once to every online device of every member', async () => {
    const [alice, bob, carol] = await createUsers(admin, 3);
    const group = await createGroup(alice, [bob, carol]);
    const devices = await Promise.all([
      open(alice),
      open(alice),
      open(bob),
      open(bob),
      open(carol),
    ]);

    const message = await sendText(alice, group.id, 'to every device');
    const frames = await Promise.all(devices.map((device) => waitForMessage(device, message.id)));
    await sleep(SETTLE_MS);

    for (const frame of frames) {
      expect(frame.data).toMatchObject({ id: message.id, text: 'to every device', seq: 1 });
      expect(frame.seq).toBe(message.streamPos);
    }
    for (const device of devices) {
      expect(messageIds(device)).toEqual([message.id]);
    }
  });

  it('carries in message.created the message as the HTTP API answers it', async () => {
    const [alice, bob] = await createUsers(admin, 2);
    const group = await createGroup(alice, [bob]);
    const device = await open(bob);

    const message = await sendText(alice, group.id, 'same shape');
    const frame = await waitForMessage(device, message.id);

    expect(frame.data).toEqual(message);
  });

  it("sends a read on one device to the user's other device and clears unread there", async () => {
    const [alice, bob] = await createUsers(admin, 2);
    const group = await createGroup(bob, [alice]);
    const [phone, laptop] = await Promise.all([open(alice), open(alice)]);
    let last: Message | undefined;
    for (const text of ['one', 'two', 'three']) {
      last = await sendText(bob, group.id, text);
    }
    await Promise.all([waitForMessage(phone, last!.id), waitForMessage(laptop, last!.id)]);

    phone.send({ type: 'conversation.read', id: 'read-1', conversationId: group.id, seq: 3 });
    const ack = await phone.next((frame) => frame.type === 'conversation.read.ack');
    const onLaptop = await laptop.next((frame) => frame.type === 'conversation.read');

    expect(ack).toMatchObject({
      id: 'read-1',
      data: { conversationId: group.id, readSeq: 3, unreadCount: 0 },
    });
    expect(onLaptop.data).toEqual({ conversationId: group.id, readSeq: 3, unreadCount: 0 });
    expect(onLaptop.seq).toBeGreaterThan(last!.streamPos);
    expect(await sessionOf(alice.api, group.id)).toMatchObject({
      hasUnread: false,
      unreadCount: 0,
    });
  });

  it('does not send one reader’s read to the other members', async () => {
    const [alice, bob] = await createUsers(admin, 2);
    const group = await createGroup(bob, [alice]);
    const bobDevice = await open(bob);
    const message = await sendText(bob, group.id, 'read me');
    await waitForMessage(bobDevice, message.id);

    await alice.api.post(`/conversations/${group.id}/read`, { seq: 1 });
    const probe = await sendText(alice, group.id, 'after the read');
    await waitForMessage(bobDevice, probe.id);

    expect(bobDevice.framesOf('conversation.read')).toEqual([]);
  });

  it('tells added and removed members and the others about membership changes', async () => {
    const [alice, bob, carol] = await createUsers(admin, 3);
    const group = await createGroup(alice, [bob]);
    const [bobDevice, carolDevice] = await Promise.all([open(bob), open(carol)]);

    expectStatus(
      await alice.api.post(`/conversations/${group.id}/members`, { userIds: [carol.id] }),
      200,
    );
    const addedForCarol = await carolDevice.next((frame) => frame.type === 'member.added');
    const addedForBob = await bobDevice.next((frame) => frame.type === 'member.added');
    expectStatus(await alice.api.delete(`/conversations/${group.id}/members/${carol.id}`), 204);
    const removedForCarol = await carolDevice.next((frame) => frame.type === 'member.removed');
    const removedForBob = await bobDevice.next((frame) => frame.type === 'member.removed');
    const after = await sendText(alice, group.id, 'carol is gone');
    await waitForMessage(bobDevice, after.id);
    await sleep(SETTLE_MS);

    expect(addedForCarol.data).toMatchObject({ conversationId: group.id, userIds: [carol.id] });
    expect(addedForBob.seq).toBe(addedForCarol.seq);
    expect(removedForCarol.data).toMatchObject({ conversationId: group.id, userId: carol.id });
    expect(removedForBob.data).toMatchObject({ conversationId: group.id, userId: carol.id });
    expect(messageIds(carolDevice)).toEqual([]);
  });

  it('tells the people of a new group that they were added', async () => {
    const [alice, bob] = await createUsers(admin, 2);
    const bobDevice = await open(bob);

    const group = await createGroup(alice, [bob]);
    const added = await bobDevice.next((frame) => frame.type === 'member.added');

    expect(added.data).toMatchObject({ conversationId: group.id });
    expect((added.data as { userIds: string[] }).userIds).toContain(bob.id);
  });

  it('replays every change missed across conversations once and in order, then continues live without doubles at the seam', async () => {
    const [alice, bob, carol] = await createUsers(admin, 3);
    const groupA = await createGroup(alice, [bob, carol], 'A');
    const groupB = await createGroup(carol, [bob], 'B');
    const chat = await openPrivate(alice, bob);
    const first = await open(bob);
    const seen = await sendText(alice, groupA.id, 'seen before going offline');
    await waitForMessage(first, seen.id);
    const lastSeq = Math.max(...changes(first).map((frame) => frame.seq!));
    await first.close();

    const missed: Message[] = [];
    const senders: Array<[TestUser, string]> = [
      [alice, groupA.id],
      [carol, groupB.id],
      [alice, chat.id],
    ];
    for (let i = 0; i < 12; i++) {
      const [sender, conversationId] = senders[i % senders.length];
      missed.push(await sendText(sender, conversationId, `missed ${i}`));
    }
    const groupC = await createGroup(carol, [bob], 'C, made while offline');
    // Live traffic keeps flowing while the device reconnects, so the replay and
    // the live frames overlap at the seam.
    const live: Message[] = [];
    const liveSending = (async () => {
      for (let i = 0; i < 15; i++) {
        const [sender, conversationId] = senders[i % senders.length];
        live.push(await sendText(sender, conversationId, `live ${i}`));
      }
    })();
    await sleep(50);
    const resumed = await open(bob, lastSeq);
    await liveSending;
    await Promise.all(live.map((message) => waitForMessage(resumed, message.id, 15_000)));
    await sleep(SETTLE_MS);

    const ready = resumed.frames[0];
    const received = changes(resumed);
    const expectedIds = [...missed, ...live].map((message) => message.id);
    expect(ready).toMatchObject({ type: 'ready', seq: lastSeq });
    expectStrictlyIncreasing(received.map((frame) => frame.seq!));
    expect(received.every((frame) => frame.seq! > lastSeq)).toBe(true);
    expect(messageIds(resumed)).toEqual(expectedIds);
    expect(
      resumed
        .framesOf('member.added')
        .filter((frame) => (frame.data as { conversationId: string }).conversationId === groupC.id),
    ).toHaveLength(1);
    expect(resumed.framesOf('resync.required')).toEqual([]);
  });

  it('gives the same changes once through GET /sync pages as the socket delivered live', async () => {
    const [alice, bob] = await createUsers(admin, 2);
    const device = await open(bob);
    const group = await createGroup(alice, [bob]);
    const chat = await openPrivate(bob, alice);
    for (let i = 0; i < 7; i++) {
      await sendText(i % 2 ? bob : alice, i % 3 ? group.id : chat.id, `s${i}`);
    }
    const last = await sendText(alice, group.id, 'last');
    await bob.api.post(`/conversations/${group.id}/read`, { seq: last.seq });
    await device.next((frame) => frame.type === 'conversation.read');
    await waitForMessage(device, last.id);
    await sleep(SETTLE_MS);

    const synced: ChangeItem[] = [];
    let since = 0;
    for (let pages = 0; pages < 50; pages++) {
      const page = expectStatus(
        await bob.api.get<{ items: ChangeItem[]; nextCursor: string | null; position: number }>(
          `/sync?since=${since}&limit=2`,
        ),
        200,
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      synced.push(...page.items);
      since = page.position;
      if (page.nextCursor === null) {
        break;
      }
    }

    const socketChanges = changes(device).map(({ type, seq, data }) => ({ type, seq, data }));
    expect(synced.map(({ type, seq, data }) => ({ type, seq, data }))).toEqual(socketChanges);
    expectStrictlyIncreasing(synced.map((item) => item.seq));
    expect(synced.filter((item) => item.type === 'message.created')).toHaveLength(8);
    expect(synced.filter((item) => item.type === 'conversation.read')).toHaveLength(1);
    expect(since).toBe(synced[synced.length - 1].seq);
  });

  it('acknowledges message.send on the socket and dedupes it like HTTP', async () => {
    const [alice, bob] = await createUsers(admin, 2);
    const group = await createGroup(alice, [bob]);
    const device = await open(alice);
    const bobDevice = await open(bob);
    const clientMessageId = randomUUID();
    const frame = { conversationId: group.id, clientMessageId, kind: 'text', text: 'over ws' };

    device.send({ type: 'message.send', id: 'send-1', ...frame });
    const firstAck = await device.next((f) => f.type === 'message.ack' && f.id === 'send-1');
    device.send({ type: 'message.send', id: 'send-2', ...frame, text: 'again' });
    const secondAck = await device.next((f) => f.type === 'message.ack' && f.id === 'send-2');
    const overHttp = await alice.api.post<{ message: Message }>(
      `/conversations/${group.id}/messages`,
      { clientMessageId, kind: 'text', text: 'and over http' },
    );
    const sent = (firstAck.data as { message: Message }).message;
    await waitForMessage(bobDevice, sent.id);
    await sleep(SETTLE_MS);

    expect(firstAck.data).toMatchObject({ created: true, message: { text: 'over ws', seq: 1 } });
    expect(secondAck.data).toEqual({ created: false, message: sent });
    expect(overHttp.status).toBe(200);
    expect(overHttp.body.message).toEqual(sent);
    expect((await fullHistory(alice.api, group.id)).map((m) => m.id)).toEqual([sent.id]);
    expect(messageIds(bobDevice)).toEqual([sent.id]);
    expect(messageIds(device)).toEqual([sent.id]);
  });

  it('answers a bad message.send with an error frame carrying the HTTP codes', async () => {
    const [alice, bob, outsider] = await createUsers(admin, 3);
    const group = await createGroup(alice, [bob]);
    const device = await open(outsider);

    device.send({
      type: 'message.send',
      id: 'not-mine',
      conversationId: group.id,
      clientMessageId: randomUUID(),
      kind: 'text',
      text: 'let me in',
    });
    device.send({ type: 'message.send', id: 'no-text', conversationId: group.id, kind: 'text' });
    const notFound = await device.next((f) => f.type === 'error' && f.id === 'not-mine');
    const invalid = await device.next((f) => f.type === 'error' && f.id === 'no-text');

    expect(notFound.error).toMatchObject({ code: 'conversation.not_found' });
    expect(invalid.error).toMatchObject({
      code: 'request.invalid',
      details: { fields: expect.objectContaining({ clientMessageId: expect.any(Array) }) },
    });
    expect(await fullHistory(alice.api, group.id)).toEqual([]);
    expect(device.closed).toBeUndefined();
  });
});
