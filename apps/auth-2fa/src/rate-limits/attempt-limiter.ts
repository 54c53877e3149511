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

/** An attempt let through by `begin`, to give back when it does not count as a failure. */
export interface AttemptTicket {
  key: string;
  /** Whether this attempt took the key's delay for the attempts after it. */
  heldBlock: boolean;
}

/**
 * Growing delays after repeated failures, shared by every replica through
 * Redis. The n-th attempt past the free ones blocks the key for
 * base * 2^(n-1) seconds, at most maxDelaySeconds; a blocked key is refused
 * before its attempt is even checked, so waiting out the delay is the only way
 * on. A delay always ends: nothing here locks anyone out for good.
 *
 * An attempt is counted, and its delay taken, before its password is checked
 * (`begin`), each in one atomic Redis step: attempts arriving together would
 * otherwise all pass the check for a block before the first of them failed
 * and set one, and a burst would buy as many guesses as it had requests. A
 * success or an attempt that was never decided gives its count back.
 */
export class AttemptLimiter {
  private readonly failures: RateLimiterRedis;

  constructor(
    private readonly redis: Redis,
    private readonly limit: AttemptLimit,
  ) {
    this.failures = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `confer:${limit.name}:failures`,
      // Counting only: the block below is what refuses.
      points: Number.MAX_SAFE_INTEGER,
      duration: limit.windowSeconds,
    });
  }

  /** Seconds until the key may try again; 0 when it may now. */
  async retryAfter(key: string): Promise<number> {
    return secondsOf(await this.redis.pttl(this.blockKey(key)));
  }

  /**
   * Counts an attempt about to be checked. Past the free attempts it takes the
   * key's block for the delay this attempt earns (SET NX: of attempts racing,
   * one takes it); when another attempt holds the block, this one is not
   * counted and the answer is the seconds to wait.
   */
  async begin(key: string): Promise<{ wait: number } | { ticket: AttemptTicket }> {
    const counted: RateLimiterRes = await this.failures.consume(key);
    const delay = delayAfter(counted.consumedPoints, this.limit);
    if (delay === 0) {
      return { ticket: { key, heldBlock: false } };
    }
    const taken = await this.redis.set(this.blockKey(key), '1', 'EX', delay, 'NX');
    if (taken === 'OK') {
      return { ticket: { key, heldBlock: true } };
    }
    await this.failures.reward(key, 1);

    return { wait: Math.max(1, await this.retryAfter(key)) };
  }

  /**
   * An attempt that is not a failure after all (never decided because the mail
   * server did not answer, refused by another limit, or a success where a
   * success resets nothing): its count and the delay it took are given back.
   */
  async giveBack(ticket: AttemptTicket): Promise<void> {
    await this.failures.reward(ticket.key, 1);
    if (ticket.heldBlock) {
      await this.redis.del(this.blockKey(ticket.key));
    }
  }

  /** Forgets the key's failures and any delay (after a success). */
  async reset(key: string): Promise<void> {
    await Promise.all([this.failures.delete(key), this.redis.del(this.blockKey(key))]);
  }

  private blockKey(key: string): string {
    return `confer:${this.limit.name}:block:${key}`;
  }
}

/** PTTL's answer as whole seconds to wait: -2 (no key) and -1 (no expiry, never set so) are 0. */
function secondsOf(pttl: number): number {
  return pttl > 0 ? Math.ceil(pttl / 1000) : 0;
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
