import {
  ApiClient,
  createDiscussion,
  createGroup,
  createUsers,
  expectStatus,
  openPrivate,
  Page,
  recentSessions,
  RecentSession,
  sendText,
  signInAdmin,
  TestUser,
  useStack,
} from './support';

/** A readable line per entry: the conversation id or the folder kind. */
function entries(sessions: RecentSession[]): string[] {
  return sessions.map((session) =>
    session.folder ? `folder:${session.folder.kind}` : session.conversation!.id,
  );
}

describe('recent sessions through the gateway', () => {
  const stack = useStack();
  let admin: ApiClient;

  beforeAll(async () => {
    admin = await signInAdmin(stack().gatewayUrl);
  });

  describe('the flat list', () => {
    let me: TestUser;
    let peer: TestUser;

    beforeEach(async () => {
      [me, peer] = await createUsers(admin, 2);
    });

    it('orders sessions by newest activity and previews the last message', async () => {
      const first = await createGroup(me, [peer], 'first');
      const second = await createGroup(me, [peer], 'second');
      const third = await createGroup(peer, [me], 'third');
      await sendText(peer, first.id, 'bumps the first');

      const sessions = await recentSessions(me.api);

      expect(entries(sessions)).toEqual([first.id, third.id, second.id]);
      expect(sessions[0].lastMessage).toMatchObject({ text: 'bumps the first', senderId: peer.id });
      expect(sessions[1].lastMessage).toBeNull();
      expect(sessions[0].conversation).toMatchObject({ kind: 'group', title: 'first' });
    });

    it('keeps a pinned session at the top until it is unpinned', async () => {
      const older = await createGroup(me, [peer], 'older');
      const newer = await createGroup(me, [peer], 'newer');

      const pin = await me.api.post(`/recent-sessions/${older.id}/pin`);
      await sendText(peer, newer.id, 'activity elsewhere');
      const pinned = await recentSessions(me.api);
      const unpin = await me.api.post(`/recent-sessions/${older.id}/unpin`);
      const unpinned = await recentSessions(me.api);

      expect([pin.status, unpin.status]).toEqual([204, 204]);
      expect(entries(pinned)).toEqual([older.id, newer.id]);
      expect(pinned.map((session) => session.pinned)).toEqual([true, false]);
      expect(entries(unpinned)).toEqual([newer.id, older.id]);
    });

    it('orders several pinned sessions by activity among themselves', async () => {
      const a = await createGroup(me, [peer], 'a');
      const b = await createGroup(me, [peer], 'b');
      const c = await createGroup(me, [peer], 'c');
      await me.api.post(`/recent-sessions/${a.id}/pin`);
      await me.api.post(`/recent-sessions/${b.id}/pin`);
      await sendText(peer, a.id, 'a is newest now');

      expect(entries(await recentSessions(me.api))).toEqual([a.id, b.id, c.id]);
    });

    it('hides a session until the next message arrives in it', async () => {
      const kept = await createGroup(me, [peer], 'kept');
      const hidden = await createGroup(me, [peer], 'hidden');
      await sendText(peer, hidden.id, 'before hiding');

      const hide = await me.api.post(`/recent-sessions/${hidden.id}/hide`);
      const whileHidden = await recentSessions(me.api);
      await sendText(peer, hidden.id, 'after hiding');
      const afterMessage = await recentSessions(me.api);

      expect(hide.status).toBe(204);
      expect(entries(whileHidden)).toEqual([kept.id]);
      expect(entries(afterMessage)).toEqual([hidden.id, kept.id]);
      expect(afterMessage[0].lastMessage?.text).toBe('after hiding');
    });

    it('does not list a hidden session for the other members', async () => {
      const group = await createGroup(me, [peer]);
      await me.api.post(`/recent-sessions/${group.id}/hide`);

      expect(entries(await recentSessions(peer.api))).toEqual([group.id]);
      expect(entries(await recentSessions(me.api))).toEqual([]);
    });

    it('pages the list with cursors, without overlaps or gaps', async () => {
      const created: string[] = [];
      for (let i = 0; i < 7; i++) {
        created.push((await createGroup(me, [peer], `p${i}`)).id);
      }
      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const page: Page<RecentSession> = expectStatus(
          await me.api.get<Page<RecentSession>>(`/recent-sessions?view=flat&limit=3${query}`),
          200,
        );
        pages.push(entries(page.items));
        cursor = page.nextCursor;
      } while (cursor && pages.length < 10);

      expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
      expect(pages.flat()).toEqual([...created].reverse());
    });

    it('answers 404 when pinning a conversation the caller is not in', async () => {
      const [stranger] = await createUsers(admin, 1);
      const group = await createGroup(peer, [stranger]);

      const response = await me.api.post<{ error: { code: string } }>(
        `/recent-sessions/${group.id}/pin`,
      );

      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('conversation.not_found');
    });
  });

  describe('the folded view', () => {
    let me: TestUser;
    let people: TestUser[];
    let privateChats: string[];
    let groups: string[];
    let discussionId: string;
    let pinnedGroup: string;

    beforeAll(async () => {
      [me, ...people] = await createUsers(admin, 4);
      privateChats = [];
      groups = [];
      // Oldest first: p0, g0, pinned group, discussion, p1, g1; then unread traffic.
      privateChats.push((await openPrivate(me, people[0])).id);
      groups.push((await createGroup(me, [people[0], people[1]], 'g0')).id);
      pinnedGroup = (await createGroup(me, [people[2]], 'pinned')).id;
      discussionId = (await createDiscussion(people[1], [me])).id;
      privateChats.push((await openPrivate(people[1], me)).id);
      groups.push((await createGroup(people[2], [me], 'g1')).id);
      await me.api.post(`/recent-sessions/${pinnedGroup}/pin`);
      await sendText(people[0], privateChats[0], 'p0 one');
      await sendText(people[0], privateChats[0], 'p0 two');
      await sendText(people[1], discussionId, 'discussion news');
      await sendText(people[1], privateChats[1], 'p1 one');
      await sendText(people[2], groups[1], 'g1 one');
    });

    it('folds unpinned private and group chats into one entry each, discussions and pins stand alone', async () => {
      const folded = await recentSessions(me.api, 'folded');

      expect(entries(folded)).toEqual([
        pinnedGroup,
        'folder:group',
        'folder:private',
        discussionId,
      ]);
      expect(folded[1]).toMatchObject({
        conversation: null,
        folder: { kind: 'group', conversationCount: 2 },
        lastMessage: expect.objectContaining({ text: 'g1 one' }),
      });
      expect(folded[2]).toMatchObject({
        folder: { kind: 'private', conversationCount: 2 },
        unreadStyle: 'count',
        unreadCount: 3,
        lastMessage: expect.objectContaining({ text: 'p1 one' }),
      });
      expect(folded[3]).toMatchObject({ unreadStyle: 'count', unreadCount: 1 });
    });

    it('lists the private chats in the private folder view', async () => {
      const inside = await recentSessions(me.api, 'private');

      expect(entries(inside)).toEqual([privateChats[1], privateChats[0]]);
      expect(inside.map((session) => session.unreadCount)).toEqual([1, 2]);
    });

    it('lists the unpinned group chats in the group folder view', async () => {
      const inside = await recentSessions(me.api, 'group');

      expect(entries(inside)).toEqual([groups[1], groups[0]]);
      expect(inside.every((session) => session.unreadStyle === 'dot')).toBe(true);
    });

    it('lists every conversation in the flat view', async () => {
      const flat = await recentSessions(me.api, 'flat');

      expect(entries(flat)).toEqual([
        pinnedGroup,
        groups[1],
        privateChats[1],
        discussionId,
        privateChats[0],
        groups[0],
      ]);
    });
  });
});
