import { randomUUID } from 'node:crypto';

import { DEMO_ADMIN, DEMO_PASSWORD } from '@confer/stack';

import { ApiClient, createUser, TestUser } from './api-client';

/** A conversation as the API answers it. */
export interface Conversation {
  id: string;
  orgId: string;
  kind: 'private' | 'group' | 'discussion' | 'broadcast';
  title: string;
  ownerId: string | null;
  lastSeq: number;
  readSeq: number;
  memberCount: number;
  role: string;
  lastMessageAt: string | null;
}

/** A message as the API answers it. */
export interface Message {
  id: string;
  conversationId: string;
  seq: number;
  senderId: string;
  clientMessageId: string;
  kind: 'text' | 'emoji';
  text: string | null;
  emoji: string | null;
  streamPos: number;
}

export interface RecentSession {
  conversation: Conversation | null;
  folder: { kind: 'private' | 'group'; conversationCount: number } | null;
  lastMessage: Message | null;
  unreadStyle: 'count' | 'dot';
  unreadCount: number;
  hasUnread: boolean;
  pinned: boolean;
  lastActivityAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The demo organisation's administrator, signed in. */
export function signInAdmin(gatewayUrl: string): Promise<ApiClient> {
  return ApiClient.login(gatewayUrl, DEMO_ADMIN.email, DEMO_PASSWORD);
}

/** `count` fresh users of the demo organisation, signed in. */
export function createUsers(admin: ApiClient, count: number): Promise<TestUser[]> {
  return Promise.all(Array.from({ length: count }, () => createUser(admin)));
}

/** Fails the test with the API's answer when the status is not the expected one. */
export function expectStatus<T>(response: { status: number; body: T }, status: number): T {
  if (response.status !== status) {
    throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
  }

  return response.body;
}

export async function createGroup(
  owner: TestUser,
  members: TestUser[],
  title = `group ${randomUUID().slice(0, 6)}`,
): Promise<Conversation> {
  return expectStatus(
    await owner.api.post<Conversation>('/conversations', {
      title,
      memberIds: members.map((member) => member.id),
    }),
    201,
  );
}

export async function openPrivate(user: TestUser, peer: TestUser): Promise<Conversation> {
  return expectStatus(
    await user.api.post<Conversation>('/conversations/private', { peerId: peer.id }),
    200,
  );
}

export async function createDiscussion(
  creator: TestUser,
  members: TestUser[],
  topic = `topic ${randomUUID().slice(0, 6)}`,
): Promise<{ id: string; topic: string; memberCount: number; creatorId: string }> {
  return expectStatus(
    await creator.api.post<{ id: string; topic: string; memberCount: number; creatorId: string }>(
      '/discussions',
      { topic, memberIds: members.map((member) => member.id) },
    ),
    201,
  );
}

/** Sends a text message and answers the stored message (201 expected). */
export async function sendText(
  user: TestUser,
  conversationId: string,
  text: string,
  clientMessageId = randomUUID(),
): Promise<Message> {
  const response = await user.api.post<{ message: Message }>(
    `/conversations/${conversationId}/messages`,
    { clientMessageId, kind: 'text', text },
  );

  return expectStatus(response, 201).message;
}

/** The whole history as the user sees it, oldest first, read forward page by page. */
export async function fullHistory(api: ApiClient, conversationId: string): Promise<Message[]> {
  const messages: Message[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page: Page<Message> = expectStatus(
      await api.get<Page<Message>>(
        `/conversations/${conversationId}/messages?direction=forward&limit=200${query}`,
      ),
      200,
    );
    messages.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);

  return messages;
}

/** Every entry of one recent-sessions view, page by page. */
export async function recentSessions(
  api: ApiClient,
  view: 'folded' | 'flat' | 'private' | 'group' = 'flat',
  limit = 200,
): Promise<RecentSession[]> {
  const sessions: RecentSession[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page: Page<RecentSession> = expectStatus(
      await api.get<Page<RecentSession>>(`/recent-sessions?view=${view}&limit=${limit}${query}`),
      200,
    );
    sessions.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);

  return sessions;
}

/** The recent-session entry of one conversation, if it is listed in the flat view. */
export async function sessionOf(
  api: ApiClient,
  conversationId: string,
): Promise<RecentSession | undefined> {
  return (await recentSessions(api)).find((session) => session.conversation?.id === conversationId);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
