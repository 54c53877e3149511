// Failed-code limits on the real Redis of docs/servers.md: blocks that grow,
// a burst of codes sent together that must buy no more guesses than the same
// codes one by one, what a right code and an unchecked one give back, and no
// Redis at all.
import Redis from 'ioredis';

import { ConferError } from '@confer/errors';
import { freePort, testServers, uniqueToken } from '@confer/testing';

import { AttemptRule, CodeAttempt, CodeAttemptLimiter } from './code-attempt-limiter';

const servers = testServers();

const RULES: AttemptRule[] = [
  {
    name: 'account_ip',
    keyOf: (source) => `${source.userId}:${source.clientIp}`,
    failures: 3,
    windowSeconds: 600,
    firstBlockSeconds: 10,
    maxBlockSeconds: 25,
  },
  {
    name: 'account',
    keyOf: (source) => source.userId,
    failures: 5,
    windowSeconds: 600,
    firstBlockSeconds: 60,
    maxBlockSeconds: 600,
  },
];

describe(CodeAttemptLimiter.name, () => {
  const prefix = uniqueToken('it-codes');
  let redis: Redis;
  let limiter: CodeAttemptLimiter;
  /** The account-and-address rule alone, to follow it past the account-wide limit. */
  let pairOnly: CodeAttemptLimiter;

  beforeAll(() => {
    redis = new Redis(servers.redisUrl, { maxRetriesPerRequest: 1 });
    limiter = new CodeAttemptLimiter(redis, RULES, 3600, prefix);
    pairOnly = new CodeAttemptLimiter(redis, [RULES[0]], 3600, prefix);
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) {
      await redis.del(...keys);
    }
    await redis.quit();
  });

  /** Each test its own account, so that counts never carry over. */
  function sources() {
    const userId = uniqueToken('user');

    return {
      home: { userId, clientIp: '192.0.2.10' },
      attacker: (n: number) => ({ userId, clientIp: `198.51.100.${n}` }),
    };
  }

  async function refusal(promise: Promise<unknown>): Promise<ConferError> {
    const error = await promise.then(
      () => undefined,
      (failure: unknown) => failure,
    );
    if (!(error instanceof ConferError)) {
      throw new Error(`expected a refusal, got ${String(error)}`);
    }

    return error;
  }

  /** Ends every block of a source's rules, as waiting them out would. */
  async function waitOut(userId: string): Promise<void> {
    const keys = await redis.keys(`${prefix}:2fa-code:*:block:${userId}*`);
    if (keys.length > 0) {
      await redis.del(...keys);
    }
  }

  it('lets the allowed failures through, then blocks with 429 and a retry time', async () => {
    const { home } = sources();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await limiter.begin(home);
    }

    const error = await refusal(limiter.begin(home));

    expect(error.code).toBe('two_factor.too_many_attempts');
    expect(error.httpStatus).toBe(429);
    expect(error.details?.retryAfterSeconds).toBe(10);
    expect(await limiter.retryAfter(home)).toBe(10);
  });

  it('lets no more of a burst through than of the same codes one by one', async () => {
    const { home } = sources();

    const outcomes = await Promise.allSettled(
      Array.from({ length: 30 }, () => pairOnly.begin(home)),
    );

    const through = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.flatMap((outcome) =>
      outcome.status === 'rejected' ? [outcome.reason as ConferError] : [],
    );
    expect(through).toHaveLength(3);
    expect(refused).toHaveLength(27);
    for (const error of refused) {
      expect(error).toMatchObject({
        code: 'two_factor.too_many_attempts',
        details: { retryAfterSeconds: 10 },
      });
    }
    // The refused were not counted: after the block, three more get through.
    await waitOut(home.userId);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await pairOnly.begin(home);
    }
    expect((await refusal(pairOnly.begin(home))).details?.retryAfterSeconds).toBe(20);
  });

  it('makes each block longer than the last, up to the cap', async () => {
    const { home } = sources();
    const blocks: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      for (let attempt = 0; attempt < 3; attempt += 1) {
        await pairOnly.begin(home);
      }
      blocks.push((await refusal(pairOnly.begin(home))).details?.retryAfterSeconds as number);
      await waitOut(home.userId);
    }

    expect(blocks).toEqual([10, 20, 25]);
  });

  it('does not block the owner at home when an attacker fails from another address', async () => {
    const { home, attacker } = sources();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await limiter.begin(attacker(1));
    }

    expect((await refusal(limiter.begin(attacker(1)))).code).toBe('two_factor.too_many_attempts');
    await expect(limiter.begin(home)).resolves.toBeDefined();
  });

  it('blocks the account everywhere once failures spread over many addresses reach its limit', async () => {
    const { home, attacker } = sources();
    for (let n = 1; n <= 5; n += 1) {
      await limiter.begin(attacker(n));
    }

    expect((await refusal(limiter.begin(home))).details?.retryAfterSeconds).toBe(60);
  });

  it('forgets the failures from an address after a right code there, and charges the account nothing', async () => {
    const { home, attacker } = sources();
    await limiter.begin(home);
    await limiter.begin(home);
    await limiter.succeeded(await limiter.begin(home));
    await limiter.begin(home);
    await limiter.begin(home);
    expect(await limiter.retryAfter(home)).toBe(0);

    // Four failures counted on the account: one more from anywhere takes its block.
    await limiter.begin(attacker(1));
    expect(await limiter.retryAfter(home)).toBe(60);
  });

  it('gives a right code that took the account’s block that block back', async () => {
    const { home, attacker } = sources();
    for (let n = 1; n <= 4; n += 1) {
      await limiter.begin(attacker(n));
    }
    const fifth = await limiter.begin(home);
    expect(fifth.blocksTaken).toEqual([0, 60]);

    await limiter.succeeded(fifth);

    expect(await limiter.retryAfter(home)).toBe(0);
    // Four failures are still counted and the block count is back at none.
    await limiter.begin(attacker(5));
    expect(await limiter.retryAfter(home)).toBe(60);
  });

  it('counts nothing for a code never checked', async () => {
    const { home } = sources();
    const attempts: CodeAttempt[] = [];
    for (let attempt = 0; attempt < 10; attempt += 1) {
      attempts.push(await limiter.begin(home));
      await limiter.undecided(attempts[attempts.length - 1]);
    }

    expect(await limiter.retryAfter(home)).toBe(0);
    expect(attempts.every((attempt) => attempt.blocksTaken.every((seconds) => seconds === 0))).toBe(
      true,
    );
  });

  it('refuses as unavailable, with a retry time, while Redis does not answer', async () => {
    const away = new Redis(`redis://127.0.0.1:${await freePort()}`, {
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    away.on('error', () => undefined);
    const cut = new CodeAttemptLimiter(away, RULES, 3600, prefix);

    const error = await refusal(cut.begin(sources().home));

    expect(error).toMatchObject({ code: 'service.unavailable', details: { retryAfterSeconds: 5 } });
    away.disconnect();
  });
});
