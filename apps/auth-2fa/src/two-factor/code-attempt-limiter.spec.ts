import { RateLimiterMemory } from 'rate-limiter-flexible';

import { AttemptRule, CodeAttemptLimiter, codeAttemptRules } from './code-attempt-limiter';
import { TwoFactorError } from './two-factor.errors';

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

const victimAtHome = { userId: 'victim', clientIp: '192.0.2.10' };
const attacker = (n: number) => ({ userId: 'victim', clientIp: `198.51.100.${n}` });

function newLimiter(): CodeAttemptLimiter {
  return new CodeAttemptLimiter((options) => new RateLimiterMemory(options), RULES);
}

async function refusal(promise: Promise<void>): Promise<TwoFactorError> {
  try {
    await promise;
  } catch (error) {
    return error as TwoFactorError;
  }
  throw new Error('expected a refusal');
}

describe(CodeAttemptLimiter.name, () => {
  it('allows attempts below the limit', async () => {
    const limiter = newLimiter();
    await limiter.recordFailure(victimAtHome);
    await limiter.recordFailure(victimAtHome);

    await expect(limiter.check(victimAtHome)).resolves.toBeUndefined();
  });

  it('blocks an account and address after the limit with 429 and a retry time', async () => {
    const limiter = newLimiter();
    for (let i = 0; i < 3; i += 1) {
      await limiter.recordFailure(victimAtHome);
    }

    const error = await refusal(limiter.check(victimAtHome));

    expect(error.code).toBe('two_factor.too_many_attempts');
    expect(error.httpStatus).toBe(429);
    expect(error.details?.retryAfterSeconds).toBe(10);
  });

  it('makes each block longer than the last, up to the cap', async () => {
    jest.useFakeTimers({ now: new Date('2026-01-05T09:00:00Z') });
    try {
      const same = { userId: 'same', clientIp: '203.0.113.2' };
      const limiter = new CodeAttemptLimiter(
        (options) => new RateLimiterMemory(options),
        [RULES[0]],
      );
      const blocks: number[] = [];
      for (let round = 0; round < 3; round += 1) {
        for (let i = 0; i < 3; i += 1) {
          await limiter.recordFailure(same);
        }
        const seconds = (await refusal(limiter.check(same))).details?.retryAfterSeconds as number;
        blocks.push(seconds);
        jest.advanceTimersByTime(seconds * 1000 + 1);
        await expect(limiter.check(same)).resolves.toBeUndefined();
      }

      expect(blocks).toEqual([10, 20, 25]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('does not lengthen a block for attempts that race it', async () => {
    const limiter = newLimiter();
    for (let i = 0; i < 4; i += 1) {
      await limiter.recordFailure(victimAtHome);
    }

    expect((await refusal(limiter.check(victimAtHome))).details?.retryAfterSeconds).toBe(10);
  });

  it('does not block the victim at home when an attacker fails from another address', async () => {
    const limiter = newLimiter();
    for (let i = 0; i < 3; i += 1) {
      await limiter.recordFailure(attacker(1));
    }

    await expect(refusal(limiter.check(attacker(1)))).resolves.toBeInstanceOf(TwoFactorError);
    await expect(limiter.check(victimAtHome)).resolves.toBeUndefined();
  });

  it('blocks the account everywhere once failures spread over many addresses pass its limit', async () => {
    const limiter = newLimiter();
    for (let n = 1; n <= 5; n += 1) {
      await limiter.recordFailure(attacker(n));
    }

    expect((await refusal(limiter.check(victimAtHome))).details?.retryAfterSeconds).toBe(60);
  });

  it('forgets the failures from an address after a right code there', async () => {
    const limiter = newLimiter();
    await limiter.recordFailure(victimAtHome);
    await limiter.recordFailure(victimAtHome);
    await limiter.recordSuccess(victimAtHome);
    await limiter.recordFailure(victimAtHome);
    await limiter.recordFailure(victimAtHome);

    await expect(limiter.check(victimAtHome)).resolves.toBeUndefined();
  });

  it('builds its rules from the configured limits, the account-and-address rule first', async () => {
    const limit = { failures: 2, windowSeconds: 60, firstBlockSeconds: 7, maxBlockSeconds: 9 };
    const rules = codeAttemptRules({
      accountIp: limit,
      account: { ...limit, failures: 50 },
      ip: { ...limit, failures: 50 },
      blockMemorySeconds: 60,
    });
    const limiter = new CodeAttemptLimiter((options) => new RateLimiterMemory(options), rules);
    await limiter.recordFailure(victimAtHome);
    await limiter.recordFailure(victimAtHome);

    expect(rules.map((rule) => rule.name)).toEqual(['account_ip', 'account', 'ip']);
    expect(rules[0].keyOf(victimAtHome)).toBe('victim:192.0.2.10');
    expect((await refusal(limiter.check(victimAtHome))).details?.retryAfterSeconds).toBe(7);
  });
});
