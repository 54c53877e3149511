import { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';

import { TwoFactorError } from './two-factor.errors';

/** Who is guessing: the account the codes are for and the address they come from. */
export interface AttemptSource {
  userId: string;
  clientIp: string;
}

/** One limit: `failures` wrong codes within `windowSeconds`, then a block that doubles each time. */
export interface AttemptRule {
  name: string;
  keyOf: (source: AttemptSource) => string;
  failures: number;
  windowSeconds: number;
  firstBlockSeconds: number;
  maxBlockSeconds: number;
}

/** One rule's numbers, from configuration. */
export interface AttemptLimit {
  failures: number;
  windowSeconds: number;
  firstBlockSeconds: number;
  maxBlockSeconds: number;
}

/** The configured limits: one per key, and how long past blocks count towards the next. */
export interface AttemptLimits {
  accountIp: AttemptLimit;
  account: AttemptLimit;
  ip: AttemptLimit;
  blockMemorySeconds: number;
}

/**
 * Three rules: the account from one address is the tightest, so a guesser
 * meets it long before the account-wide rule; the account-wide rule stops a
 * guesser spread over many addresses; the address rule stops one address
 * trying many accounts. A victim's own address is only blocked by the
 * account-wide rule, which needs many failures from elsewhere, and the push
 * approval is never throttled by wrong codes, so no one can lock a victim out
 * for good. The account-and-address rule comes first: a right code clears it.
 */
export function codeAttemptRules(limits: AttemptLimits): AttemptRule[] {
  return [
    {
      name: 'account_ip',
      keyOf: (source) => `${source.userId}:${source.clientIp}`,
      ...limits.accountIp,
    },
    { name: 'account', keyOf: (source) => source.userId, ...limits.account },
    { name: 'ip', keyOf: (source) => source.clientIp, ...limits.ip },
  ];
}

/** The default of blockMemorySeconds: a day. */
const BLOCK_MEMORY_SECONDS = 24 * 60 * 60;

/** Builds a limiter (Redis in the app, memory in unit specs) for a key prefix and window. */
export type LimiterFactory = (options: {
  keyPrefix: string;
  points: number;
  duration: number;
}) => RateLimiterAbstract;

interface ArmedRule {
  rule: AttemptRule;
  failures: RateLimiterAbstract;
  blocks: RateLimiterAbstract;
}

/** Failed-code limits with growing blocks, answered as 429 two_factor.too_many_attempts. */
export class CodeAttemptLimiter {
  private readonly rules: ArmedRule[];

  constructor(
    create: LimiterFactory,
    rules: AttemptRule[],
    blockMemorySeconds: number = BLOCK_MEMORY_SECONDS,
  ) {
    this.rules = rules.map((rule) => ({
      rule,
      failures: create({
        keyPrefix: `2fa_code_fail_${rule.name}`,
        points: rule.failures,
        duration: rule.windowSeconds,
      }),
      blocks: create({
        keyPrefix: `2fa_code_block_${rule.name}`,
        points: Number.MAX_SAFE_INTEGER,
        duration: blockMemorySeconds,
      }),
    }));
  }

  /** Throws too_many_attempts while any rule blocks this source; before checking a code. */
  async check(source: AttemptSource): Promise<void> {
    let waitMs = 0;
    for (const { rule, failures } of this.rules) {
      const state = await failures.get(rule.keyOf(source));
      if (state && state.consumedPoints >= rule.failures) {
        waitMs = Math.max(waitMs, state.msBeforeNext);
      }
    }
    if (waitMs > 0) {
      throw TwoFactorError.tooManyAttempts(Math.ceil(waitMs / 1000));
    }
  }

  /** Counts a wrong code; a rule that reaches its limit blocks, longer each time. */
  async recordFailure(source: AttemptSource): Promise<void> {
    for (const { rule, failures, blocks } of this.rules) {
      const key = rule.keyOf(source);
      let reached: boolean;
      try {
        const state = await failures.consume(key);
        reached = state.remainingPoints <= 0;
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) {
          throw error;
        }
        // Already over the limit (a request that raced the block): the block stands as it is.
        reached = false;
      }
      if (reached) {
        const blockCount = (await blocks.penalty(key, 1)).consumedPoints;
        const seconds = Math.min(
          rule.firstBlockSeconds * 2 ** Math.min(blockCount - 1, 30),
          rule.maxBlockSeconds,
        );
        await failures.block(key, seconds);
      }
    }
  }

  /** A right code from this address forgets its failures there (not the account-wide count). */
  async recordSuccess(source: AttemptSource): Promise<void> {
    const [accountIp] = this.rules;
    await accountIp.failures.delete(accountIp.rule.keyOf(source));
  }
}
