import { ConferError } from '@confer/errors';
import { DEMO_ORGANISATION, DemoSeed, GatewayCallError } from '@confer/stack';

import { seedOrWarn } from './demo-seeding';

const seeded: DemoSeed = {
  orgId: DEMO_ORGANISATION.id,
  password: 'confer-demo-2025',
  logins: [],
  createdUsers: 0,
  groupId: 'g',
  discussionId: 'd',
};

describe(seedOrWarn.name, () => {
  async function warningsOf(error: unknown): Promise<{ result: unknown; lines: string[] }> {
    const lines: string[] = [];
    const result = await seedOrWarn(
      () => Promise.reject(error),
      (line) => lines.push(line),
    );

    return { result, lines };
  }

  it('answers the seed and warns of nothing when seeding succeeds', async () => {
    const lines: string[] = [];

    await expect(
      seedOrWarn(
        () => Promise.resolve(seeded),
        (line) => lines.push(line),
      ),
    ).resolves.toBe(seeded);
    expect(lines).toEqual([]);
  });

  it("keeps the start going with one line naming a service error's code, without a stack", async () => {
    const { result, lines } = await warningsOf(
      new ConferError(
        'unavailable',
        'service.unavailable',
        'A service (messaging) is not answering.',
      ),
    );

    expect(result).toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('service.unavailable: A service (messaging) is not answering.');
    expect(lines[0]).toContain('Confer is running');
    expect(lines[0]).not.toMatch(/\n|\s+at /);
  });

  it("names a failed gateway call's code and HTTP status", async () => {
    const { result, lines } = await warningsOf(
      new GatewayCallError(
        403,
        'auth.second_factor_required',
        'POST /conversations answered 403: Confirm the sign-in with a code.',
      ),
    );

    expect(result).toBeUndefined();
    expect(lines).toEqual([
      expect.stringContaining(
        'auth.second_factor_required (HTTP 403): POST /conversations answered 403: Confirm the sign-in with a code.',
      ),
    ]);
  });

  it('puts an error without a code, even a multi-line one, on one line', async () => {
    const { result, lines } = await warningsOf(
      new Error('The demo directory sync did not succeed:\n  failed ldap.unreachable'),
    );

    expect(result).toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      'Error: The demo directory sync did not succeed: failed ldap.unreachable',
    );
    expect(lines[0]).not.toMatch(/\n|\s+at /);
  });
});
