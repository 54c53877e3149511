import Redis from 'ioredis';

import { RequestError } from '@confer/errors';

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

/** The block the n-th block of a rule lasts, in whole seconds: doubling, at most the rule's longest. */
export function blockSeconds(blockCount: number, rule: AttemptLimit): number {
  // 2^30 already exceeds any configured maximum; the cap keeps the power finite.
  const doubled = rule.firstBlockSeconds * 2 ** Math.min(Math.max(blockCount, 1) - 1, 30);

  return Math.min(doubled, rule.maxBlockSeconds);
}

/**
 * Counts one attempt on every rule, in one step. KEYS are three per rule (its
 * count, its block, its count of past blocks); ARGV are four per rule (free
 * failures, window, first block, longest block) and then the block memory.
 * While any rule's block stands nothing is counted and the answer is
 * {0, milliseconds to wait}. Otherwise each count goes up by one; a rule whose
 * count reaches its limit takes its block now, for the attempt being let
 * through, and starts a fresh count for after it. The answer is then {1, and
 * per rule the seconds of the block taken, or 0}.
 */
const BEGIN = `
local rules = #KEYS / 3
local wait = 0
for i = 0, rules - 1 do
  local ttl = redis.call('PTTL', KEYS[i * 3 + 2])
  if ttl > wait then wait = ttl end
end
if wait > 0 then return {0, wait} end
local memory = tonumber(ARGV[rules * 4 + 1])
local taken = {1}
for i = 0, rules - 1 do
  local failures = tonumber(ARGV[i * 4 + 1])
  local window = tonumber(ARGV[i * 4 + 2])
  local first = tonumber(ARGV[i * 4 + 3])
  local longest = tonumber(ARGV[i * 4 + 4])
  local count = redis.call('INCR', KEYS[i * 3 + 1])
  if count == 1 then redis.call('EXPIRE', KEYS[i * 3 + 1], window) end
  if count >= failures then
    local blocks = redis.call('INCR', KEYS[i * 3 + 3])
    redis.call('EXPIRE', KEYS[i * 3 + 3], memory)
    local seconds = math.floor(math.min(first * 2 ^ math.min(blocks - 1, 30), longest))
    redis.call('SET', KEYS[i * 3 + 2], '1', 'EX', seconds)
    redis.call('DEL', KEYS[i * 3 + 1])
    taken[i + 2] = seconds
  else
    taken[i + 2] = 0
  end
end
return taken
`;

/**
 * Settles an attempt on every rule, in one step. KEYS as for BEGIN; ARGV are
 * four per rule: what to do (`reset`: forget the rule's count and block;
 * `back`: give the attempt back, with the block it took when it took one),
 * whether the attempt took the rule's block (1 or 0), and the rule's failures
 * and window.
 */
const SETTLE = `
for i = 0, #KEYS / 3 - 1 do
  local action = ARGV[i * 4 + 1]
  local count, block, memory = KEYS[i * 3 + 1], KEYS[i * 3 + 2], KEYS[i * 3 + 3]
  if action == 'reset' then
    redis.call('DEL', count, block)
  elseif action == 'back' and ARGV[i * 4 + 2] == '1' then
    redis.call('DEL', block)
    if redis.call('DECR', memory) <= 0 then redis.call('DEL', memory) end
    -- The block cleared the count: the failures before this attempt are put back.
    local before = tonumber(ARGV[i * 4 + 3]) - 1
    if before > 0 and redis.call('INCRBY', count, before) == before then
      redis.call('EXPIRE', count, tonumber(ARGV[i * 4 + 4]))
    end
  elseif action == 'back' then
    if redis.call('DECR', count) <= 0 then redis.call('DEL', count) end
  end
end
return 1
`;

/** An attempt `begin` let through: per rule, the seconds of the block it took (0: none). */
export interface CodeAttempt {
  source: AttemptSource;
  blocksTaken: number[];
}

/**
 * Failed-code limits with growing blocks, shared by every replica through
 * Redis, answered as 429 two_factor.too_many_attempts.
 *
 * An attempt is counted, and the block it would earn by failing taken, before
 * its code is checked (`begin`), in one atomic Redis step for all rules:
 * codes arriving together would otherwise all pass a check for a block before
 * the first of them failed and set one, and a burst would buy as many guesses
 * as it had requests. A wrong code then needs nothing more; a right code
 * clears the account-and-address rule and gives the other rules their attempt
 * back (with a block it took), and an attempt never decided gives everything
 * back.
 */
export class CodeAttemptLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly rules: AttemptRule[],
    private readonly blockMemorySeconds: number = BLOCK_MEMORY_SECONDS,
    /** Stacks sharing one Redis (tests, a dev stack) keep their counts apart. */
    private readonly keyPrefix: string = 'confer',
  ) {}

  /** Seconds until this source may try a code again; 0 when it may now. */
  async retryAfter(source: AttemptSource): Promise<number> {
    const ttls = await counted(() =>
      Promise.all(this.rules.map((rule) => this.redis.pttl(this.keysOf(rule, source)[1]))),
    );

    return Math.ceil(Math.max(0, ...ttls) / 1000);
  }

  /**
   * Counts an attempt about to be checked, or throws too_many_attempts (nothing
   * counted) while any rule blocks the source.
   */
  async begin(source: AttemptSource): Promise<CodeAttempt> {
    const answer = (await counted(() =>
      this.redis.eval(
        BEGIN,
        this.rules.length * 3,
        ...this.rules.flatMap((rule) => this.keysOf(rule, source)),
        ...this.rules.flatMap((rule) => [
          rule.failures,
          rule.windowSeconds,
          rule.firstBlockSeconds,
          rule.maxBlockSeconds,
        ]),
        this.blockMemorySeconds,
      ),
    )) as number[];
    if (answer[0] === 0) {
      throw TwoFactorError.tooManyAttempts(Math.max(1, Math.ceil(answer[1] / 1000)));
    }

    return { source, blocksTaken: answer.slice(1) };
  }

  /** A right code: the address forgets its failures there, the other rules get the attempt back. */
  async succeeded(attempt: CodeAttempt): Promise<void> {
    await this.settle(attempt, (index) => (index === 0 ? 'reset' : 'back'));
  }

  /** The code was never checked (a failure of this service): nothing is counted. */
  async undecided(attempt: CodeAttempt): Promise<void> {
    await this.settle(attempt, () => 'back');
  }

  private async settle(
    attempt: CodeAttempt,
    actionOf: (index: number) => 'reset' | 'back',
  ): Promise<void> {
    await counted(() =>
      this.redis.eval(
        SETTLE,
        this.rules.length * 3,
        ...this.rules.flatMap((rule) => this.keysOf(rule, attempt.source)),
        ...this.rules.flatMap((rule, index) => [
          actionOf(index),
          attempt.blocksTaken[index] > 0 ? 1 : 0,
          rule.failures,
          rule.windowSeconds,
        ]),
      ),
    );
  }

  /** The rule's count, block and count of past blocks for a source. */
  private keysOf(rule: AttemptRule, source: AttemptSource): [string, string, string] {
    const base = `${this.keyPrefix}:2fa-code:${rule.name}`;
    const key = rule.keyOf(source);

    return [`${base}:count:${key}`, `${base}:block:${key}`, `${base}:blocks:${key}`];
  }
}

/**
 * Fails closed: without Redis no attempt is counted, so none is let through
 * (503, try again shortly) rather than allowing unlimited guessing.
 */
async function counted<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw RequestError.unavailable('redis', 5, error);
  }
}
