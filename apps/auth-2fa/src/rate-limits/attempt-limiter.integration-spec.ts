// The attempt limiter on the real Redis of docs/servers.md: attempts one after
// another, and a burst of attempts sent together that must buy no more.
import Redis from 'ioredis';

import { testServers, uniqueToken } from '@confer/testing';

import { AttemptLimit, AttemptLimiter, AttemptTicket } from './attempt-limiter';

const servers = testServers();

describe(AttemptLimiter.name, () => {
  const name = uniqueToken('it-limit');
  const limit: AttemptLimit = {
    name,
    freeAttempts: 3,
    windowSeconds: 60,
    baseDelaySeconds: 2,
    maxDelaySeconds: 30,
  };
  let redis: Redis;
  let limiter: AttemptLimiter;

  beforeAll(() => {
    redis = new Redis(servers.redisUrl, { maxRetriesPerRequest: 1 });
    limiter = new AttemptLimiter(redis, limit);
  });

  afterAll(async () => {
    const keys = await redis.keys(`confer:${name}:*`);
    if (keys.length > 0) {
      await redis.del(...keys);
    }
    await redis.quit();
  });

  function tickets(outcomes: Array<{ wait: number } | { ticket: AttemptTicket }>) {
    return outcomes.flatMap((outcome) => ('ticket' in outcome ? [outcome.ticket] : []));
  }

  it('lets the free attempts and one more through, then delays, one after another', async () => {
    const key = 'sequential';
    const outcomes = [];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      outcomes.push(await limiter.begin(key));
    }

    // 3 free, the 4th earns the first delay (2 s), the 5th and 6th wait it out.
    expect(tickets(outcomes)).toHaveLength(4);
    expect(outcomes.slice(4)).toEqual([{ wait: 2 }, { wait: 2 }]);
    expect(await limiter.retryAfter(key)).toBe(2);
  });

  it('lets no more of a burst through than of the same attempts one after another', async () => {
    const key = 'burst';

    const outcomes = await Promise.all(Array.from({ length: 50 }, () => limiter.begin(key)));

    expect(tickets(outcomes)).toHaveLength(limit.freeAttempts + 1);
    for (const outcome of outcomes.filter((candidate) => 'wait' in candidate)) {
      expect((outcome as { wait: number }).wait).toBeGreaterThanOrEqual(1);
    }
    // The refused ones were not counted: the next delay is the 5th attempt's, not the 51st's.
    await redis.del(`confer:${name}:block:${key}`);
    await limiter.begin(key);
    expect(await limiter.retryAfter(key)).toBe(4);
  });

  it('gives an attempt back with the delay it took', async () => {
    const key = 'given-back';
    for (let attempt = 0; attempt < limit.freeAttempts; attempt += 1) {
      await limiter.begin(key);
    }
    const delayed = await limiter.begin(key);
    expect(await limiter.retryAfter(key)).toBe(2);

    await limiter.giveBack((delayed as { ticket: AttemptTicket }).ticket);

    expect(await limiter.retryAfter(key)).toBe(0);
    // Still three counted: the next attempt earns the first delay again.
    await limiter.begin(key);
    expect(await limiter.retryAfter(key)).toBe(2);
  });

  it('forgets a key on reset', async () => {
    const key = 'reset';
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await limiter.begin(key);
    }

    await limiter.reset(key);

    expect(await limiter.retryAfter(key)).toBe(0);
    expect(tickets([await limiter.begin(key)])).toHaveLength(1);
  });
});
