// A person's lists, the organisation settings and the audit trail under hostile use: people of
// another organisation (who can write to you, so must be blockable, but see nothing of you),
// tampered page cursors, and administrators of one organisation reaching for another's data.
import { randomUUID } from 'node:crypto';

import {
  ApiErrorBody,
  createUsers,
  expectStatus,
  openPrivate,
  sendText,
  signInAdmin,
  sleep,
  TestUser,
  useStack,
} from '../support';
import { userOfAnotherOrganisation } from '../robustness/other-organisation';

interface ListedPage {
  items: { person: { id: string; orgId: string }; since: string }[];
  nextCursor: string | null;
}

interface AuditPage {
  items: { id: string; orgId: string; actorId: string; action: string }[];
  nextCursor: string | null;
}

/** A cursor as the services write them (base64url JSON), holding whatever a client forged. */
function forgedCursor(position: Record<string, unknown>): string {
  return encodeURIComponent(Buffer.from(JSON.stringify(position)).toString('base64url'));
}

/** Retries until the answer has the wanted status: messaging applies blocks within moments. */
async function eventuallyStatus<T>(
  call: () => Promise<{ status: number; body: T }>,
  status: number,
): Promise<{ status: number; body: T }> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const response = await call();
    if (response.status === status || Date.now() > deadline) {
      return response;
    }
    await sleep(100);
  }
}

describe('lists, settings and the audit trail under hostile use', () => {
  const stack = useStack();
  let alice: TestUser;
  let bob: TestUser;
  let mallory: TestUser;

  beforeAll(async () => {
    const admin = await signInAdmin(stack().gatewayUrl);
    [alice, bob] = await createUsers(admin, 2);
    mallory = await userOfAnotherOrganisation(stack());
  });

  describe('a person of another organisation', () => {
    it('can be blocked by the person they write to, and is then refused private messages and groups', async () => {
      const chat = await openPrivate(mallory, alice);
      await sendText(mallory, chat.id, 'buy now');

      expect((await alice.api.request('PUT', `/me/blocked/${mallory.id}`)).status).toBe(204);

      const send = () =>
        mallory.api.post<ApiErrorBody>(`/conversations/${chat.id}/messages`, {
          clientMessageId: randomUUID(),
          kind: 'text',
          text: 'buy now!!',
        });
      const refused = await eventuallyStatus(send, 403);
      expect([refused.status, refused.body.error.code]).toEqual([403, 'message.blocked']);
      const group = await mallory.api.post<ApiErrorBody>('/conversations', {
        title: 'offers',
        memberIds: [alice.id],
      });
      expect([group.status, group.body.error.code]).toEqual([403, 'conversation.blocked']);
      const listed = expectStatus(await alice.api.get<ListedPage>('/me/blocked'), 200);
      expect(listed.items.map((item) => item.person.id)).toContain(mallory.id);
      // Alice may still write (a block protects the blocker, it does not silence them), and the
      // refused sends stored nothing: hers is the chat's second message.
      await expect(sendText(alice, chat.id, 'stop')).resolves.toMatchObject({ seq: 2 });

      expect((await alice.api.delete(`/me/blocked/${mallory.id}`)).status).toBe(204);
      expect((await eventuallyStatus(send, 201)).status).toBe(201);
    });

    it('sees no card, list entry or setting of the organisation, and cannot follow its people', async () => {
      const answers = [
        await mallory.api.get<ApiErrorBody>(`/contacts/people/${alice.id}/card`),
        await mallory.api.request<ApiErrorBody>('PUT', `/me/following/${alice.id}`),
      ];

      expect(answers.map((answer) => [answer.status, answer.body.error.code])).toEqual([
        [404, 'person.not_found'],
        [404, 'person.not_found'],
      ]);
      expect(expectStatus(await mallory.api.get<ListedPage>('/me/following'), 200).items).toEqual(
        [],
      );
      // Mallory administers the other organisation: its trail holds nothing of this one.
      const trail = expectStatus(
        await mallory.api.get<AuditPage>(`/admin/audit?userId=${alice.id}&limit=200`),
        200,
      );
      expect(trail.items).toEqual([]);
    });
  });

  describe('tampered cursors', () => {
    it.each([
      ['an impossible date', '2026-02-30T00:00:00.000000Z'],
      ['the year zero', '0000-01-01T00:00:00.000000Z'],
    ])('refuses %s in a list cursor with 400 request.cursor_invalid', async (_name, since) => {
      const cursor = forgedCursor({ since, id: bob.id });

      const answers = [
        await alice.api.get<ApiErrorBody>(`/me/blocked?cursor=${cursor}`),
        await alice.api.get<ApiErrorBody>(`/me/following?cursor=${cursor}`),
      ];

      expect(answers.map((answer) => [answer.status, answer.body.error.code])).toEqual([
        [400, 'request.cursor_invalid'],
        [400, 'request.cursor_invalid'],
      ]);
    });

    it.each([
      ['an impossible date', '2026-02-30T00:00:00.000Z'],
      ['the year zero', '0000-01-01T00:00:00.000Z'],
    ])('refuses %s in an audit cursor with 400 request.cursor_invalid', async (_name, at) => {
      const cursor = forgedCursor({ at, id: randomUUID() });
      const admin = await signInAdmin(stack().gatewayUrl);

      const answers = [
        await alice.api.get<ApiErrorBody>(`/me/audit?cursor=${cursor}`),
        await admin.get<ApiErrorBody>(`/admin/audit?cursor=${cursor}`),
      ];

      expect(answers.map((answer) => [answer.status, answer.body.error.code])).toEqual([
        [400, 'request.cursor_invalid'],
        [400, 'request.cursor_invalid'],
      ]);
    });
  });
});
