import { randomUUID } from 'node:crypto';

import {
  ApiErrorBody,
  ApiResponse,
  Conversation,
  createGroup,
  createUsers,
  expectStatus,
  fullHistory,
  recentSessions,
  signInAdmin,
  TestUser,
  useStack,
} from '../support';

/** The status and code of an answer, for comparing several at once. */
export function outcome(response: ApiResponse<unknown>) {
  return { status: response.status, code: (response.body as ApiErrorBody)?.error?.code };
}

/** A client error with a machine-readable code (the given one, when named), never a 5xx. */
export function expectClientError(response: ApiResponse<unknown>, code?: string): void {
  const { status, code: actual } = outcome(response);
  expect(`${status} ${actual}`).toMatch(
    code ? new RegExp(`^4\\d\\d ${code}$`) : /^4\d\d [a-z_.]+$/,
  );
}

export interface HostileInputFixture {
  /** The users and group, once the fixture's beforeAll has run. */
  get(): { alice: TestUser; bob: TestUser; group: Conversation };
  /** `/conversations/<group id>`. */
  path(): string;
  /** What a refused request must leave unchanged: history, the conversation, Alice's sessions. */
  written(): Promise<unknown>;
}

/**
 * Alice and Bob in a group with three messages, and around every test of the
 * refusals block, proof that nothing was written: history, the conversation
 * and Alice's recent sessions are the same after the test as before it.
 */
export function useHostileInputFixture(stack: ReturnType<typeof useStack>): HostileInputFixture {
  let alice: TestUser;
  let bob: TestUser;
  let group: Conversation;
  const path = () => `/conversations/${group.id}`;

  beforeAll(async () => {
    const admin = await signInAdmin(stack().gatewayUrl);
    [alice, bob] = await createUsers(admin, 2);
    group = await createGroup(alice, [bob]);
    for (let i = 0; i < 3; i++) {
      expectStatus(
        await alice.api.post(`${path()}/messages`, {
          clientMessageId: randomUUID(),
          kind: 'text',
          text: `m${i}`,
        }),
        201,
      );
    }
  });

  const written = async () => ({
    history: await fullHistory(alice.api, group.id),
    conversation: expectStatus(await alice.api.get(path()), 200),
    sessions: (await recentSessions(alice.api, 'flat')).length,
  });

  return { get: () => ({ alice, bob, group }), path, written };
}

/** Call inside a describe block: every test in it must leave the fixture's data as it found it. */
export function expectNothingWritten(fixture: HostileInputFixture): void {
  let before: unknown;

  beforeEach(async () => {
    before = await fixture.written();
  });

  afterEach(async () => {
    expect(await fixture.written()).toEqual(before);
  });
}
