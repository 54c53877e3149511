import Redis from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/** One limit on failed attempts: some free, then delays doubling from `baseDelaySeconds`. */
export interface AttemptLimit {
  /** Names the limit's Redis keys, e.g. `login:account-ip`. */
  name: string;
  freeAttempts: number;
  /** Failures are counted over this window, from the first one. */
  windowSeconds: number;
  baseDelaySeconds: number;
  maxDelaySeconds: number;
}

/**
 * Growing delays after repeated failures, shared by every replica through
 * Redis (rate-limiter-flexible). The n-th failure past the free ones blocks
 * the key for base * 2^(n-1) seconds, at most maxDelaySeconds; a blocked key
 * is refused before its attempt is even checked, so waiting out the delay is
 * the only way on. A delay always ends: nothing here locks anyone out for good.
 */
export class AttemptLimiter {
  private readonly failures: RateLimiterRedis;
  private readonly blocks: RateLimiterRedis;

  constructor(
    redis: Redis,
    private readonly limit: AttemptLimit,
  ) {
    this.failures = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `confer:${limit.name}:failures`,
      // Counting only: the block below is what refuses.
      points: Number.MAX_SAFE_INTEGER,
      duration: limit.windowSeconds,
    });
    this.blocks = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `confer:${limit.name}:blocked`,
      points: 1,
      duration: 1,
    });
  }

  /** Seconds until the key may try again; 0 when it may now. */
  async retryAfter(key: string): Promise<number> {
    const blocked = await this.blocks.get(key);
    if (!blocked || blocked.consumedPoints <= 1 || blocked.msBeforeNext <= 0) {
      return 0;
    }

    return Math.ceil(blocked.msBeforeNext / 1000);
  }

  /** Counts a failure; returns the delay it earned in seconds (0 while attempts are free). */
  async recordFailure(key: string): Promise<number> {
    const counted: RateLimiterRes = await this.failures.consume(key);
    const delay = delayAfter(counted.consumedPoints, this.limit);
    if (delay > 0) {
      await this.blocks.block(key, delay);
    }

    return delay;
  }

  /** Forgets the key's failures and any delay (after a success). */
  async reset(key: string): Promise<void> {
    await Promise.all([this.failures.delete(key), this.blocks.delete(key)]);
  }
}

/** The delay the n-th failure earns under a limit, in whole seconds. */
export function delayAfter(failures: number, limit: AttemptLimit): number {
  const excess = failures - limit.freeAttempts;
  if (excess <= 0) {
    return 0;
  }
  // 2^30 already exceeds any configured maximum; the cap keeps the power finite.
  const doubled = limit.baseDelaySeconds * 2 ** Math.min(excess - 1, 30);

  return Math.min(doubled, limit.maxDelaySeconds);
}
