// A person's own lists through the gateway: the contact card with the groups and discussions
// the viewer shares with the person, personal contacts (an address that joins the directory
// later becomes that person), followed people, and the blacklist messaging enforces.
import { randomUUID } from 'node:crypto';

import {
  ApiClient,
  ApiErrorBody,
  createDiscussion,
  createGroup,
  createUsers,
  expectStatus,
  openPrivate,
  sendText,
  signInAdmin,
  sleep,
  TestUser,
  useStack,
} from '../support';

interface Person {
  id: string;
  displayName: string;
  email: string;
  status: string;
}

interface Card extends Person {
  emails: { address: string; primary: boolean }[];
  followed: boolean;
  blocked: boolean;
  personalContactId: string | null;
  personalNote: string | null;
  sharedConversations: { id: string; kind: string }[];
}

interface PersonalContact {
  id: string;
  email: string;
  note: string;
  person: Person | null;
}

interface ListedPage {
  items: { person: Person; since: string }[];
  nextCursor: string | null;
}

/** Retries until the answer has the wanted status: messaging applies blocks within moments. */
async function eventuallyStatus(
  call: () => Promise<{ status: number; body: unknown }>,
  status: number,
): Promise<{ status: number; body: unknown }> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const response = await call();
    if (response.status === status || Date.now() > deadline) {
      return response;
    }
    await sleep(100);
  }
}

describe('contact cards and personal lists', () => {
  const stack = useStack();
  let admin: ApiClient;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;

  beforeAll(async () => {
    admin = await signInAdmin(stack().gatewayUrl);
    [alice, bob, carol] = await createUsers(admin, 3);
  });

  describe('contact card', () => {
    it('shows the person and only the groups and discussions the viewer shares with them', async () => {
      const group = await createGroup(alice, [bob]);
      const discussion = await createDiscussion(bob, [alice]);
      await createDiscussion(bob, [carol]);
      await createGroup(alice, [carol]);
      await openPrivate(alice, bob);

      const card = expectStatus(await alice.api.get<Card>(`/contacts/people/${bob.id}/card`), 200);

      expect(card).toMatchObject({
        id: bob.id,
        displayName: bob.displayName,
        status: 'active',
        emails: [{ address: bob.email, primary: true }],
        followed: false,
        blocked: false,
        personalContactId: null,
      });
      expect(card.sharedConversations.map((shared) => shared.id).sort()).toEqual(
        [group.id, discussion.id].sort(),
      );
    });

    it('answers 404 with a code for an unknown person and 400 for an id that is not one', async () => {
      const unknown = await alice.api.get<ApiErrorBody>(`/contacts/people/${randomUUID()}/card`);
      const malformed = await alice.api.get<ApiErrorBody>('/contacts/people/nobody/card');

      expect([unknown.status, unknown.body.error.code]).toEqual([404, 'person.not_found']);
      expect([malformed.status, malformed.body.error.code]).toEqual([400, 'request.invalid']);
    });
  });

  describe('personal contacts', () => {
    it('keeps an address from before it joins the directory, then shows and chats with that person', async () => {
      const address = `e2e.later.${randomUUID().slice(0, 8)}@demo.confer.example`;
      const added = expectStatus(
        await alice.api.post<PersonalContact>('/me/contacts', {
          email: address.toUpperCase(),
          displayName: 'Later',
          note: 'Starts next month',
        }),
        201,
      );
      expect(added).toMatchObject({ email: address, person: null, note: 'Starts next month' });

      const joined = expectStatus(
        await admin.post<{ id: string }>('/users', {
          email: address,
          displayName: 'Later Person',
          password: `pw-${randomUUID()}`,
        }),
        201,
      );

      const page = expectStatus(
        await alice.api.get<{ items: PersonalContact[] }>('/me/contacts?limit=200'),
        200,
      );
      const entry = page.items.find((item) => item.id === added.id);
      expect(entry?.person).toMatchObject({ id: joined.id, displayName: 'Later Person' });
      const card = expectStatus(
        await alice.api.get<Card>(`/contacts/people/${joined.id}/card`),
        200,
      );
      expect(card).toMatchObject({
        personalContactId: added.id,
        personalNote: 'Starts next month',
      });
      const chat = expectStatus(
        await alice.api.post<{ id: string; kind: string }>('/conversations/private', {
          peerId: entry!.person!.id,
        }),
        200,
      );
      expect(chat.kind).toBe('private');
      await expect(sendText(alice, chat.id, 'Welcome aboard')).resolves.toMatchObject({ seq: 1 });
    });

    it('edits and deletes an entry, and answers bad input with codes, changing nothing', async () => {
      const entry = expectStatus(
        await alice.api.post<PersonalContact>('/me/contacts', {
          email: `partner.${randomUUID().slice(0, 8)}@outside.example`,
          note: 'first',
        }),
        201,
      );
      const edited = expectStatus(
        await alice.api.request<PersonalContact>('PATCH', `/me/contacts/${entry.id}`, {
          note: 'second',
        }),
        200,
      );
      expect(edited.note).toBe('second');

      const refusals = [
        await alice.api.post<ApiErrorBody>('/me/contacts', { email: 'no address' }),
        await alice.api.post<ApiErrorBody>('/me/contacts', { email: entry.email }),
        await alice.api.post<ApiErrorBody>('/me/contacts', { email: 42 }),
        await bob.api.request<ApiErrorBody>('PATCH', `/me/contacts/${entry.id}`, { note: 'mine' }),
        await bob.api.delete<ApiErrorBody>(`/me/contacts/${entry.id}`),
      ];
      expect(refusals.map((response) => [response.status, response.body.error.code])).toEqual([
        [422, 'personal_contact.invalid'],
        [409, 'personal_contact.exists'],
        [400, 'request.invalid'],
        [404, 'personal_contact.not_found'],
        [404, 'personal_contact.not_found'],
      ]);
      const page = expectStatus(
        await alice.api.get<{ items: PersonalContact[] }>('/me/contacts?limit=200'),
        200,
      );
      expect(page.items.find((item) => item.id === entry.id)?.note).toBe('second');

      expect((await alice.api.delete(`/me/contacts/${entry.id}`)).status).toBe(204);
      expect((await alice.api.delete(`/me/contacts/${entry.id}`)).status).toBe(404);
    });
  });

  describe('following', () => {
    it('follows and unfollows, listing newest first by cursor', async () => {
      const [viewer, ...followed] = await createUsers(admin, 4);
      for (const person of followed) {
        expect((await viewer.api.request('PUT', `/me/following/${person.id}`)).status).toBe(204);
      }
      expect((await viewer.api.request('PUT', `/me/following/${followed[0].id}`)).status).toBe(204);

      const first = expectStatus(await viewer.api.get<ListedPage>('/me/following?limit=2'), 200);
      const second = expectStatus(
        await viewer.api.get<ListedPage>(
          `/me/following?limit=2&cursor=${encodeURIComponent(first.nextCursor!)}`,
        ),
        200,
      );
      expect([...first.items, ...second.items].map((item) => item.person.id)).toEqual(
        [...followed].reverse().map((person) => person.id),
      );
      expect(second.nextCursor).toBeNull();
      const card = expectStatus(
        await viewer.api.get<Card>(`/contacts/people/${followed[1].id}/card`),
        200,
      );
      expect(card.followed).toBe(true);

      expect((await viewer.api.delete(`/me/following/${followed[1].id}`)).status).toBe(204);
      const after = expectStatus(await viewer.api.get<ListedPage>('/me/following'), 200);
      expect(after.items.map((item) => item.person.id)).toEqual([followed[2].id, followed[0].id]);
      const self = await viewer.api.request<ApiErrorBody>('PUT', `/me/following/${viewer.id}`);
      expect([self.status, self.body.error.code]).toEqual([400, 'follow.self']);
    });
  });

  describe('blacklist', () => {
    it('stops private messages and new groups from the blocked person until unblocked', async () => {
      const [blocker, blocked, friend] = await createUsers(admin, 3);
      const chat = await openPrivate(blocked, blocker);
      const group = await createGroup(blocker, [blocked, friend]);
      await sendText(blocked, chat.id, 'before');

      expect((await blocker.api.request('PUT', `/me/blocked/${blocked.id}`)).status).toBe(204);
      const send = () =>
        blocked.api.post<ApiErrorBody>(`/conversations/${chat.id}/messages`, {
          clientMessageId: randomUUID(),
          kind: 'text',
          text: 'are you there?',
        });
      const refused = (await eventuallyStatus(send, 403)) as { status: number; body: ApiErrorBody };
      expect([refused.status, refused.body.error.code]).toEqual([403, 'message.blocked']);

      const newGroup = await blocked.api.post<ApiErrorBody>('/conversations', {
        title: 'with the blocker',
        memberIds: [blocker.id, friend.id],
      });
      expect([newGroup.status, newGroup.body.error.code]).toEqual([403, 'conversation.blocked']);
      // Shared groups go on: the blocked person's messages there still flow.
      await expect(sendText(blocked, group.id, 'in the group')).resolves.toMatchObject({
        seq: expect.any(Number),
      });
      const listed = expectStatus(await blocker.api.get<ListedPage>('/me/blocked'), 200);
      expect(listed.items.map((item) => item.person.id)).toEqual([blocked.id]);
      const card = expectStatus(
        await blocker.api.get<Card>(`/contacts/people/${blocked.id}/card`),
        200,
      );
      expect(card.blocked).toBe(true);

      expect((await blocker.api.delete(`/me/blocked/${blocked.id}`)).status).toBe(204);
      const lifted = await eventuallyStatus(send, 201);
      expect(lifted.status).toBe(201);
      expect(expectStatus(await blocker.api.get<ListedPage>('/me/blocked'), 200).items).toEqual([]);
    });

    it('refuses blocking oneself or an unknown person, blocking nobody', async () => {
      const [someone] = await createUsers(admin, 1);

      const refusals = [
        await someone.api.request<ApiErrorBody>('PUT', `/me/blocked/${someone.id}`),
        await someone.api.request<ApiErrorBody>('PUT', `/me/blocked/${randomUUID()}`),
        await someone.api.request<ApiErrorBody>('PUT', '/me/blocked/nobody'),
      ];

      expect(refusals.map((response) => [response.status, response.body.error.code])).toEqual([
        [400, 'block.self'],
        [404, 'person.not_found'],
        [400, 'request.invalid'],
      ]);
      expect(expectStatus(await someone.api.get<ListedPage>('/me/blocked'), 200).items).toEqual([]);
    });
  });
});
