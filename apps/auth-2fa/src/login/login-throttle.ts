import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';

import { RequestError } from '@confer/errors';

import { AUTH_CONFIG, AuthConfig } from '../config';
import { AttemptLimiter, AttemptTicket } from '../rate-limits/attempt-limiter';
import { AUTH_REDIS } from '../rate-limits/rate-limits.module';

const WINDOW_SECONDS = 3600;
const BASE_DELAY_SECONDS = 1;

/**
 * Growing delays after failed logins, on three keys at once:
 *
 * - the address from one IP: few free attempts, delays up to the long maximum.
 *   This is what stops a guesser, and it only touches the guesser's own IP;
 * - the address from anywhere: more free attempts and a short maximum, so a
 *   guesser spread over many IPs is slowed while the owner, who shares that
 *   key, waits at most that short delay between attempts and is never locked out;
 * - the IP for any address: many free attempts, against one IP trying many
 *   addresses.
 *
 * A successful login clears the address's keys (not the IP's: one valid
 * account must not buy an IP fresh guesses at others). Attempts are counted
 * before their password is checked (`begin`), so a burst sent at once is
 * limited like the same attempts one after another.
 */
@Injectable()
export class LoginThrottle {
  private readonly accountAndIp: AttemptLimiter;
  private readonly account: AttemptLimiter;
  private readonly ip: AttemptLimiter;

  constructor(@Inject(AUTH_REDIS) redis: Redis, @Inject(AUTH_CONFIG) config: AuthConfig) {
    const limits = config.loginLimits;
    const common = { windowSeconds: WINDOW_SECONDS, baseDelaySeconds: BASE_DELAY_SECONDS };
    const prefix = `${config.nats.prefix}:login`;
    this.accountAndIp = new AttemptLimiter(redis, {
      ...common,
      name: `${prefix}:account-ip`,
      freeAttempts: limits.freePerAccountAndIp,
      maxDelaySeconds: limits.maxDelaySeconds,
    });
    this.account = new AttemptLimiter(redis, {
      ...common,
      name: `${prefix}:account`,
      freeAttempts: limits.freePerAccount,
      maxDelaySeconds: limits.maxAccountDelaySeconds,
    });
    this.ip = new AttemptLimiter(redis, {
      ...common,
      name: `${prefix}:ip`,
      freeAttempts: limits.freePerIp,
      maxDelaySeconds: limits.maxDelaySeconds,
    });
  }

  /** Seconds to wait before this address may try from this IP; 0 when it may now. */
  async retryAfter(email: string, ip: string): Promise<number> {
    const waits = await counted(() =>
      Promise.all([
        this.accountAndIp.retryAfter(pairKey(email, ip)),
        this.account.retryAfter(accountKey(email)),
        this.ip.retryAfter(ipKey(ip)),
      ]),
    );

    return Math.max(...waits);
  }

  /**
   * Counts an attempt on all three keys before its password is checked, so
   * that attempts sent together cannot all slip in before the first failure
   * sets a delay. Answers the seconds to wait when any key is delayed (nothing
   * is then counted), or the attempt to settle with `succeeded` or `undecided`;
   * an attempt left unsettled stays counted as a failure.
   */
  async begin(email: string, ip: string): Promise<{ wait: number } | { attempt: LoginAttempt }> {
    return counted(async () => {
      const limiters = [this.accountAndIp, this.account, this.ip];
      const keys = [pairKey(email, ip), accountKey(email), ipKey(ip)];
      const outcomes = await Promise.all(limiters.map((limiter, i) => limiter.begin(keys[i])));
      const tickets = outcomes.flatMap((outcome) => ('ticket' in outcome ? [outcome.ticket] : []));
      if (tickets.length === limiters.length) {
        return { attempt: { tickets } };
      }
      await Promise.all(
        outcomes.map((outcome, i) =>
          'ticket' in outcome ? limiters[i].giveBack(outcome.ticket) : undefined,
        ),
      );

      return {
        wait: Math.max(...outcomes.map((outcome) => ('wait' in outcome ? outcome.wait : 0))),
      };
    });
  }

  /**
   * The password was right: the address's counts are cleared, and the IP gets
   * this attempt back (one valid account must not buy an IP fresh guesses at
   * others, nor cost it one).
   */
  async succeeded(email: string, ip: string, attempt: LoginAttempt): Promise<void> {
    await counted(() =>
      Promise.all([
        this.accountAndIp.reset(pairKey(email, ip)),
        this.account.reset(accountKey(email)),
        this.ip.giveBack(attempt.tickets[2]),
      ]),
    );
  }

  /** The password was never checked (the mail server did not answer): nothing is counted. */
  async undecided(attempt: LoginAttempt): Promise<void> {
    const limiters = [this.accountAndIp, this.account, this.ip];
    await counted(() =>
      Promise.all(attempt.tickets.map((ticket, i) => limiters[i].giveBack(ticket))),
    );
  }
}

/** An attempt `begin` counted: one ticket per key, in the order pair, account, IP. */
export interface LoginAttempt {
  tickets: AttemptTicket[];
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

/** Addresses are compared as the directory does: case-insensitively, without surrounding space. */
function accountKey(email: string): string {
  return email.trim().normalize('NFC').toLowerCase();
}

function ipKey(ip: string): string {
  return ip || 'unknown';
}

function pairKey(email: string, ip: string): string {
  return `${accountKey(email)}|${ipKey(ip)}`;
}
