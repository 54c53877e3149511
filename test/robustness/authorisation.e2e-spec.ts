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
  sendText,
  signInAdmin,
  sleep,
  TestUser,
  useStack,
} from '../support';
import { userOfAnotherOrganisation } from './other-organisation';

interface SyncPage {
  items: Array<{ type: string; seq: number; conversationId: string | null }>;
  nextCursor: string | null;
  position: number;
}

function codeOf(response: ApiResponse<unknown>) {
  return { status: response.status, code: (response.body as ApiErrorBody)?.error?.code };
}

const NOT_FOUND = { status: 404, code: 'conversation.not_found' };

describe('what an outsider can do to a conversation', () => {
  const stack = useStack();
  let alice: TestUser;
  let bob: TestUser;
  let eve: TestUser;
  let mallory: TestUser;
  let group: Conversation;

  /** What an outsider's attempts must leave untouched. */
  const state = async () => ({
    history: await fullHistory(alice.api, group.id),
    members: expectStatus(await alice.api.get(`/conversations/${group.id}/members`), 200),
    conversation: expectStatus(await alice.api.get(`/conversations/${group.id}`), 200),
  });

  beforeAll(async () => {
    const admin = await signInAdmin(stack().gatewayUrl);
    [alice, bob, eve] = await createUsers(admin, 3);
    mallory = await userOfAnotherOrganisation(stack());
    group = await createGroup(alice, [bob]);
    await sendText(alice, group.id, 'members only');
  });

  const outsiders = () =>
    [
      ['a user of the same organisation', eve],
      ['a user of another organisation', mallory],
    ] as const;

  it('answers 404 conversation.not_found to every HTTP call on it and changes nothing', async () => {
    const before = await state();
    for (const [, outsider] of outsiders()) {
      const path = `/conversations/${group.id}`;
      const attempts = await Promise.all([
        outsider.api.get(path),
        outsider.api.get(`${path}/members`),
        outsider.api.get(`${path}/messages`),
        outsider.api.get(`${path}/messages?direction=forward&seq=0`),
        outsider.api.post(`${path}/messages`, {
          clientMessageId: randomUUID(),
          kind: 'text',
          text: 'let me in',
        }),
        outsider.api.post(`${path}/members`, { userIds: [outsider.id] }),
        outsider.api.post(`${path}/read`, { seq: 1 }),
        outsider.api.post(`${path}/leave`),
        outsider.api.delete(`${path}/members/${bob.id}`),
        outsider.api.post(`${path}/transfer`, { newOwnerId: outsider.id }),
        outsider.api.post(`/recent-sessions/${group.id}/pin`),
        outsider.api.post(`/recent-sessions/${group.id}/unpin`),
        outsider.api.post(`/recent-sessions/${group.id}/hide`),
      ]);

      expect(attempts.map(codeOf)).toEqual(attempts.map(() => NOT_FOUND));
    }
    expect(await state()).toEqual(before);
  });

  it('keeps the conversation out of an outsider’s sync, home list and sockets', async () => {
    const [eveDevice, malloryDevice] = await Promise.all([
      LiveSocket.open(stack().gatewayUrl, eve.api.token!, 0),
      LiveSocket.open(stack().gatewayUrl, mallory.api.token!, 0),
    ]);
    const message = await sendText(alice, group.id, 'still members only');
    await sleep(1_000);

    for (const [, outsider] of outsiders()) {
      const sync = expectStatus(await outsider.api.get<SyncPage>('/sync?since=0&limit=200'), 200);
      expect(sync.items.filter((item) => item.conversationId === group.id)).toEqual([]);
      const sessions = expectStatus(
        await outsider.api.get<{ items: Array<{ conversation: { id: string } | null }> }>(
          '/recent-sessions?view=flat',
        ),
        200,
      );
      expect(sessions.items.map((item) => item.conversation?.id)).not.toContain(group.id);
    }
    for (const device of [eveDevice, malloryDevice]) {
      expect(JSON.stringify(device.frames)).not.toContain(group.id);
      expect(JSON.stringify(device.frames)).not.toContain(message.id);
      await device.close();
    }
  });

  it('answers an outsider’s socket requests on it with error frames and stores nothing', async () => {
    const before = await state();
    for (const [, outsider] of outsiders()) {
      const device = await LiveSocket.open(stack().gatewayUrl, outsider.api.token!);
      device.send({
        type: 'message.send',
        id: 'send',
        conversationId: group.id,
        clientMessageId: randomUUID(),
        kind: 'text',
        text: 'sneaking in',
      });
      device.send({ type: 'conversation.read', id: 'read', conversationId: group.id, seq: 1 });
      const sent = await device.next((frame) => frame.id === 'send');
      const read = await device.next((frame) => frame.id === 'read');

      expect([sent.type, sent.error?.code]).toEqual(['error', 'conversation.not_found']);
      expect([read.type, read.error?.code]).toEqual(['error', 'conversation.not_found']);
      expect(device.closed).toBeUndefined();
      await device.close();
    }
    expect(await state()).toEqual(before);
  });

  it('stops live delivery to a member the moment they are removed, on every device', async () => {
    const [carol] = await createUsers(await signInAdmin(stack().gatewayUrl), 1);
    const room = await createGroup(alice, [carol]);
    const devices = await Promise.all([
      LiveSocket.open(stack().gatewayUrl, carol.api.token!),
      LiveSocket.open(stack().gatewayUrl, carol.api.token!),
    ]);
    const before = await sendText(alice, room.id, 'before removal');
    await Promise.all(
      devices.map((device) =>
        device.next((f) => f.type === 'message.created' && (f.data as Message).id === before.id),
      ),
    );

    expectStatus(await alice.api.delete(`/conversations/${room.id}/members/${carol.id}`), 204);
    const after = await Promise.all(
      Array.from({ length: 5 }, (_, i) => sendText(alice, room.id, `after ${i}`)),
    );
    await Promise.all(devices.map((device) => device.next((f) => f.type === 'member.removed')));
    await sleep(1_000);

    const afterIds = new Set(after.map((message) => message.id));
    for (const device of devices) {
      const leaked = device
        .framesOf('message.created')
        .filter((frame) => afterIds.has((frame.data as Message).id));
      expect(leaked).toEqual([]);
      const removed = device.framesOf('member.removed')[0];
      const lastSeq = Math.max(...device.frames.map((frame) => frame.seq ?? 0));
      expect(lastSeq).toBe(removed.seq);
      await device.close();
    }
    expect(codeOf(await carol.api.get(`/conversations/${room.id}/messages`))).toEqual(NOT_FOUND);
    const resumed = await LiveSocket.open(stack().gatewayUrl, carol.api.token!, 0);
    await sleep(500);
    const resumedIds = resumed.framesOf('message.created').map((f) => (f.data as Message).id);
    expect(resumedIds).toContain(before.id);
    expect(resumedIds.filter((id) => afterIds.has(id))).toEqual([]);
    await resumed.close();
  });

  it('does not let a removed member send or mark read from a socket that stayed open', async () => {
    const [dave] = await createUsers(await signInAdmin(stack().gatewayUrl), 1);
    const room = await createGroup(alice, [dave]);
    const device = await LiveSocket.open(stack().gatewayUrl, dave.api.token!);
    expectStatus(await alice.api.delete(`/conversations/${room.id}/members/${dave.id}`), 204);

    device.send({
      type: 'message.send',
      id: 'late',
      conversationId: room.id,
      clientMessageId: randomUUID(),
      kind: 'text',
      text: 'am I still here?',
    });
    const answer = await device.next((frame) => frame.id === 'late');

    expect(answer.error?.code).toBe('conversation.not_found');
    expect(await fullHistory(alice.api, room.id)).toEqual([]);
    await device.close();
  });
});
