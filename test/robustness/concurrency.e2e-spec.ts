import { randomUUID } from 'node:crypto';

import {
  ApiClient,
  createGroup,
  createUsers,
  expectStatus,
  fullHistory,
  LiveSocket,
  Message,
  openPrivate,
  sendText,
  signInAdmin,
  useStack,
} from '../support';

interface ReadState {
  conversationId: string;
  readSeq: number;
  unreadCount: number;
}

describe('concurrent requests on one conversation', () => {
  const stack = useStack();
  let admin: ApiClient;

  beforeAll(async () => {
    admin = await signInAdmin(stack().gatewayUrl);
  });

  it('creates one message when two devices of a user send the same clientMessageId at once', async () => {
    const [alice, bob] = await createUsers(admin, 2);
    const group = await createGroup(alice, [bob]);
    const [phone, laptop] = await Promise.all([
      LiveSocket.open(stack().gatewayUrl, alice.api.token!),
      LiveSocket.open(stack().gatewayUrl, alice.api.token!),
    ]);
    for (let round = 0; round < 10; round++) {
      const clientMessageId = randomUUID();
      const frame = {
        type: 'message.send',
        id: `r${round}`,
        conversationId: group.id,
        clientMessageId,
        kind: 'text',
        text: `round ${round}`,
      };
      phone.send(frame);
      laptop.send(frame);
      const http = alice.api.post<{ message: Message }>(`/conversations/${group.id}/messages`, {
        clientMessageId,
        kind: 'text',
        text: `round ${round}`,
      });
      const acks = await Promise.all([
        phone.next((f) => f.id === `r${round}`),
        laptop.next((f) => f.id === `r${round}`),
      ]);
      const viaHttp = await http;

      const answers = acks.map((ack) => ack.data as { message: Message; created: boolean });
      expect(new Set([...answers.map((a) => a.message.id), viaHttp.body.message.id]).size).toBe(1);
      const createdCount =
        answers.filter((a) => a.created).length + (viaHttp.status === 201 ? 1 : 0);
      expect(createdCount).toBe(1);
    }

    const history = await fullHistory(bob.api, group.id);
    expect(history.map((m) => m.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    await Promise.all([phone.close(), laptop.close()]);
  });

  it('never moves a read cursor backwards when two devices mark read at once', async () => {
    const [alice, bob] = await createUsers(admin, 2);
    const group = await createGroup(alice, [bob]);
    for (let i = 0; i < 30; i++) {
      await sendText(alice, group.id, `m${i}`);
    }
    const watcher = await LiveSocket.open(stack().gatewayUrl, bob.api.token!);
    const [phone, laptop] = await Promise.all([
      LiveSocket.open(stack().gatewayUrl, bob.api.token!),
      LiveSocket.open(stack().gatewayUrl, bob.api.token!),
    ]);
    // Each device walks up through the seqs, the two interleaving; HTTP joins in.
    const walks = [phone, laptop].map(async (device, d) => {
      for (let seq = 1 + d; seq <= 30; seq += 2) {
        device.send({
          type: 'conversation.read',
          id: `${d}-${seq}`,
          conversationId: group.id,
          seq,
        });
      }
      await device.next((f) => f.id === `${d}-${d === 0 ? 29 : 30}`);
    });
    const httpReads = await Promise.all(
      [30, 3, 17, 1, 25].map((seq) =>
        bob.api.post<ReadState>(`/conversations/${group.id}/read`, { seq }),
      ),
    );
    await Promise.all(walks);
    // A change of Bob's own after every read was answered: live frames come in
    // position order, so once it is in, every conversation.read frame is too.
    expectStatus(await bob.api.post(`/recent-sessions/${group.id}/pin`), 204);
    await watcher.next((f) => f.type === 'session.pinned', 30_000);

    const final = expectStatus(
      await bob.api.get<{ readSeq: number }>(`/conversations/${group.id}`),
      200,
    );
    expect(final.readSeq).toBe(30);
    expect(httpReads[0].body.readSeq).toBe(30);
    const seen = watcher.framesOf('conversation.read').map((f) => (f.data as ReadState).readSeq);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen[seen.length - 1]).toBe(30);
    for (const device of [phone, laptop]) {
      const acks = device
        .framesOf('conversation.read.ack')
        .map((f) => (f.data as ReadState).readSeq);
      expect(acks).toEqual([...acks].sort((a, b) => a - b));
    }
    await Promise.all([watcher.close(), phone.close(), laptop.close()]);
  });

  it('leaves membership consistent when the same member is added and removed at once', async () => {
    const [alice, bob, carol] = await createUsers(admin, 3);
    const group = await createGroup(alice, [bob]);
    const carolDevice = await LiveSocket.open(stack().gatewayUrl, carol.api.token!);
    for (let round = 0; round < 8; round++) {
      await Promise.all([
        alice.api.post(`/conversations/${group.id}/members`, { userIds: [carol.id] }),
        alice.api.delete(`/conversations/${group.id}/members/${carol.id}`),
        bob.api.post(`/conversations/${group.id}/members`, { userIds: [carol.id] }),
      ]);
    }
    // Live frames come in position order, and Carol's own message is written
    // after every round was answered: once it is in, so is every membership frame.
    // It may take long: any transaction on the PostgreSQL server holds the horizon.
    const marker = await sendText(carol, (await openPrivate(carol, alice)).id, 'after the rounds');
    await carolDevice.next(
      (f) => f.type === 'message.created' && (f.data as { id: string }).id === marker.id,
      30_000,
    );

    const members = expectStatus(
      await alice.api.get<{ items: Array<{ userId: string }> }>(
        `/conversations/${group.id}/members`,
      ),
      200,
    ).items.map((m) => m.userId);
    const conversation = expectStatus(
      await alice.api.get<{ memberCount: number }>(`/conversations/${group.id}`),
      200,
    );
    const carolIsMember = members.includes(carol.id);
    expect(conversation.memberCount).toBe(members.length);
    expect((await carol.api.get(`/conversations/${group.id}`)).status).toBe(
      carolIsMember ? 200 : 404,
    );
    const ofCarolInGroup = (f: { type: string; data?: unknown }) => {
      const data = (f.data ?? {}) as {
        conversationId?: string;
        userIds?: string[];
        userId?: string;
      };

      return (
        data.conversationId === group.id &&
        ((f.type === 'member.added' && data.userIds!.includes(carol.id)) ||
          (f.type === 'member.removed' && data.userId === carol.id))
      );
    };
    const membership = carolDevice.frames.filter(ofCarolInGroup);
    // Carol's own stream alternates added/removed and ends in the state the server holds.
    membership.forEach((f, i) =>
      expect(f.type).toBe(i % 2 === 0 ? 'member.added' : 'member.removed'),
    );
    expect(membership[membership.length - 1]?.type).toBe(
      carolIsMember ? 'member.added' : 'member.removed',
    );
    // Her devices catching up later read the same story.
    const synced: Array<{ type: string; seq: number; data: unknown }> = [];
    for (let since = 0, more = true; more;) {
      const page = expectStatus(
        await carol.api.get<{
          items: Array<{ type: string; seq: number; data: unknown }>;
          nextCursor: string | null;
          position: number;
        }>(`/sync?since=${since}&limit=200`),
        200,
      );
      synced.push(...page.items);
      since = page.position;
      more = page.nextCursor !== null;
    }
    expect(synced.filter(ofCarolInGroup).map(({ type, seq }) => ({ type, seq }))).toEqual(
      membership.map(({ type, seq }) => ({ type, seq })),
    );
    await carolDevice.close();
  });

  it('gives both peers the same private chat when they open it at the same instant', async () => {
    for (let round = 0; round < 5; round++) {
      const [alice, bob] = await createUsers(admin, 2);
      const answers = await Promise.all([
        alice.api.post<{ id: string }>('/conversations/private', { peerId: bob.id }),
        bob.api.post<{ id: string }>('/conversations/private', { peerId: alice.id }),
        alice.api.post<{ id: string }>('/conversations/private', { peerId: bob.id }),
      ]);

      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    }
  });

  it('stores every good send of a burst even when one send of it cannot be stored', async () => {
    const [alice, bob] = await createUsers(admin, 2);
    const group = await createGroup(alice, [bob]);

    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        alice.api.post(`/conversations/${group.id}/messages`, {
          clientMessageId: randomUUID(),
          kind: 'text',
          text: i === 7 ? 'poison\u0000pill' : `good ${i}`,
        }),
      ),
    );

    const good = answers.filter((_, i) => i !== 7);
    expect(good.map((a) => a.status)).toEqual(good.map(() => 201));
    expect((await fullHistory(alice.api, group.id)).map((m) => m.seq)).toEqual(
      Array.from({ length: 19 }, (_, i) => i + 1),
    );
  });
});
