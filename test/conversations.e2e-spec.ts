import { randomUUID } from 'node:crypto';

import {
  ApiClient,
  ApiErrorBody,
  Conversation,
  createDiscussion,
  createGroup,
  createUsers,
  expectStatus,
  openPrivate,
  Page,
  sendText,
  signInAdmin,
  useStack,
} from './support';

interface Member {
  userId: string;
  role: string;
}

async function memberIds(api: ApiClient, conversationId: string): Promise<string[]> {
  const page = expectStatus(
    await api.get<Page<Member>>(`/conversations/${conversationId}/members`),
    200,
  );

  return page.items.map((member) => member.userId).sort();
}

describe('conversations through the gateway', () => {
  const stack = useStack();
  let admin: ApiClient;

  beforeAll(async () => {
    admin = await signInAdmin(stack().gatewayUrl);
  });

  describe('private chats', () => {
    it('gives a pair the same private chat whichever of them opens it', async () => {
      const [alice, bob] = await createUsers(admin, 2);

      const fromAlice = await openPrivate(alice, bob);
      const fromBob = await openPrivate(bob, alice);
      const again = await openPrivate(alice, bob);

      expect(fromAlice.kind).toBe('private');
      expect(fromBob.id).toBe(fromAlice.id);
      expect(again.id).toBe(fromAlice.id);
      expect(await memberIds(alice.api, fromAlice.id)).toEqual([alice.id, bob.id].sort());
    });
  });

  describe('group rules', () => {
    it('lets the owner remove a member, who then no longer sees the group', async () => {
      const [owner, bob, carol] = await createUsers(admin, 3);
      const group = await createGroup(owner, [bob, carol]);

      const removed = await owner.api.delete(`/conversations/${group.id}/members/${carol.id}`);

      expect(removed.status).toBe(204);
      expect(await memberIds(owner.api, group.id)).toEqual([owner.id, bob.id].sort());
      const seenByCarol = await carol.api.get<ApiErrorBody>(`/conversations/${group.id}`);
      expect(seenByCarol.status).toBe(404);
      expect(seenByCarol.body.error.code).toBe('conversation.not_found');
    });

    it('refuses a member who is not the owner removing someone else', async () => {
      const [owner, bob, carol] = await createUsers(admin, 3);
      const group = await createGroup(owner, [bob, carol]);

      const response = await bob.api.delete<ApiErrorBody>(
        `/conversations/${group.id}/members/${carol.id}`,
      );

      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('conversation.not_owner');
      expect(await memberIds(owner.api, group.id)).toEqual([owner.id, bob.id, carol.id].sort());
    });

    it('lets any member add people', async () => {
      const [owner, bob, dave] = await createUsers(admin, 3);
      const group = await createGroup(owner, [bob]);

      const response = await bob.api.post<Conversation>(`/conversations/${group.id}/members`, {
        userIds: [dave.id],
      });

      expect(response.status).toBe(200);
      expect(response.body.memberCount).toBe(3);
      expect(await memberIds(dave.api, group.id)).toEqual([owner.id, bob.id, dave.id].sort());
    });

    it('lets a member leave, after which the group is not visible to them', async () => {
      const [owner, bob] = await createUsers(admin, 2);
      const group = await createGroup(owner, [bob]);

      const left = await bob.api.post(`/conversations/${group.id}/leave`);

      expect(left.status).toBe(204);
      expect(await memberIds(owner.api, group.id)).toEqual([owner.id]);
      expect((await bob.api.get(`/conversations/${group.id}`)).status).toBe(404);
    });

    it('keeps the owner from leaving until ownership is transferred', async () => {
      const [owner, bob] = await createUsers(admin, 2);
      const group = await createGroup(owner, [bob]);

      const refused = await owner.api.post<ApiErrorBody>(`/conversations/${group.id}/leave`);
      const transferred = await owner.api.post<Conversation>(
        `/conversations/${group.id}/transfer`,
        {
          newOwnerId: bob.id,
        },
      );
      const left = await owner.api.post(`/conversations/${group.id}/leave`);

      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('conversation.owner_must_transfer');
      expect(transferred.status).toBe(200);
      expect(transferred.body.ownerId).toBe(bob.id);
      expect(left.status).toBe(204);
      const seenByBob = expectStatus(
        await bob.api.get<Conversation>(`/conversations/${group.id}`),
        200,
      );
      expect(seenByBob).toMatchObject({ ownerId: bob.id, role: 'owner', memberCount: 1 });
    });

    it('refuses a transfer by someone who is not the owner', async () => {
      const [owner, bob, carol] = await createUsers(admin, 3);
      const group = await createGroup(owner, [bob, carol]);

      const response = await bob.api.post<ApiErrorBody>(`/conversations/${group.id}/transfer`, {
        newOwnerId: carol.id,
      });

      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('conversation.not_owner');
    });
  });

  describe('discussions', () => {
    it('creates a discussion with its topic and members, seen as a discussion conversation', async () => {
      const [creator, bob, carol] = await createUsers(admin, 3);
      const topic = `Launch plan 发布 ${randomUUID().slice(0, 4)}`;

      const created = await createDiscussion(creator, [bob, carol], topic);
      const fetched = await bob.api.get<{ id: string; topic: string }>(
        `/discussions/${created.id}`,
      );
      const conversation = await carol.api.get<Conversation>(`/conversations/${created.id}`);

      expect(created).toMatchObject({ topic, memberCount: 3, creatorId: creator.id });
      expect(fetched.status).toBe(200);
      expect(fetched.body.topic).toBe(topic);
      expect(conversation.status).toBe(200);
      expect(conversation.body).toMatchObject({ kind: 'discussion', title: topic });
      expect(await memberIds(creator.api, created.id)).toEqual(
        [creator.id, bob.id, carol.id].sort(),
      );
    });

    it('lets any member of a discussion add people', async () => {
      const [creator, bob, dave] = await createUsers(admin, 3);
      const discussion = await createDiscussion(creator, [bob]);

      const response = await bob.api.post<{ memberCount: number }>(
        `/discussions/${discussion.id}/members`,
        { userIds: [dave.id] },
      );

      expect(response.status).toBe(200);
      expect(response.body.memberCount).toBe(3);
      expect((await dave.api.get(`/conversations/${discussion.id}`)).status).toBe(200);
    });
  });

  describe('visibility', () => {
    let members: Awaited<ReturnType<typeof createUsers>>;
    let outsider: Awaited<ReturnType<typeof createUsers>>[number];
    let groupId: string;

    beforeAll(async () => {
      const users = await createUsers(admin, 3);
      members = users.slice(0, 2);
      outsider = users[2];
      groupId = (await createGroup(members[0], [members[1]])).id;
      await sendText(members[0], groupId, 'only for members');
    });

    const calls: Array<
      [string, (api: ApiClient, id: string) => Promise<{ status: number; body: unknown }>]
    > = [
      ['get', (api, id) => api.get(`/conversations/${id}`)],
      ['members', (api, id) => api.get(`/conversations/${id}/members`)],
      ['history', (api, id) => api.get(`/conversations/${id}/messages`)],
      [
        'send',
        (api, id) =>
          api.post(`/conversations/${id}/messages`, {
            clientMessageId: randomUUID(),
            kind: 'text',
            text: 'let me in',
          }),
      ],
      ['read', (api, id) => api.post(`/conversations/${id}/read`, { seq: 1 })],
    ];

    it.each(calls)(
      'answers 404 conversation.not_found to a non-member on %s',
      async (_name, call) => {
        const response = (await call(outsider.api, groupId)) as {
          status: number;
          body: ApiErrorBody;
        };

        expect(response.status).toBe(404);
        expect(response.body.error.code).toBe('conversation.not_found');
      },
    );

    it('stores nothing a non-member tried to send', async () => {
      const history = expectStatus(
        await members[0].api.get<Page<{ text: string }>>(`/conversations/${groupId}/messages`),
        200,
      );

      expect(history.items.map((message) => message.text)).toEqual(['only for members']);
    });

    it.each(calls)(
      'answers 404 conversation.not_found for an unknown id on %s',
      async (_name, call) => {
        const response = (await call(members[0].api, randomUUID())) as {
          status: number;
          body: ApiErrorBody;
        };

        expect(response.status).toBe(404);
        expect(response.body.error.code).toBe('conversation.not_found');
      },
    );

    it.each(calls)(
      'answers 400 request.invalid naming the id when it is not a UUID on %s',
      async (_name, call) => {
        const response = (await call(members[0].api, 'not-a-uuid')) as {
          status: number;
          body: ApiErrorBody;
        };

        expect(response.status).toBe(400);
        expect(response.body.error.code).toBe('request.invalid');
        expect(response.body.error.details).toMatchObject({ fields: { id: expect.any(Array) } });
      },
    );

    it('answers 400 for a member id that is not a UUID when removing', async () => {
      const response = await members[0].api.delete<ApiErrorBody>(
        `/conversations/${groupId}/members/12345`,
      );

      expect(response.status).toBe(400);
      expect(response.body.error.details).toMatchObject({ fields: { userId: expect.any(Array) } });
    });

    it('answers 404 discussion.not_found for an unknown discussion', async () => {
      const response = await members[0].api.get<ApiErrorBody>(`/discussions/${randomUUID()}`);

      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('discussion.not_found');
    });
  });
});
