import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';

import { RequestError } from '@confer/errors';
import { REDIS } from '@confer/redis';

import { AUTH_CONFIG, AuthConfig } from '../config';
import { AttemptLimiter, AttemptTicket } from '../rate-limits/attempt-limiter';

const WINDOW_SECONDS = 3600;
const BASE_DELAY_SECONDS = 1;

/**
 * Growing delays after failed logins, on three keys at once:
 *
 * - the address from one IP: few free attempts, delays up to the long maximum.
 *   This is what stops a guesser, and it only touches the guesser's own IP;
 * - the address from anywhere: more free attempts and a short maximum, so a
 *   guesser spread over many IPs is slowed while the owner, who shares that
 *   key, waits at most that short delay between attempts and is never locked
 *   out. A login from one of the account's trusted devices skips this key;
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

  constructor(@Inject(REDIS) redis: Redis, @Inject(AUTH_CONFIG) config: AuthConfig) {
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

  /**
   * Seconds to wait before this address may try from this IP; 0 when it may
   * now. A login from a trusted device of the account is not held by the
   * account-wide delay.
   */
  async retryAfter(email: string, ip: string, options: LoginOptions = {}): Promise<number> {
    const waits = await counted(() =>
      Promise.all(
        this.keysFor(email, ip, options).map(([limiter, key]) => limiter.retryAfter(key)),
      ),
    );

    return Math.max(...waits);
  }

  /**
   * Counts an attempt on every key before its password is checked, so that
   * attempts sent together cannot all slip in before the first failure sets a
   * delay. Answers the seconds to wait when any key is delayed (nothing is
   * then counted), or the attempt to settle with `succeeded` or `undecided`;
   * an attempt left unsettled stays counted as a failure.
   *
   * A login presenting a trusted device of the account (`trustedDevice`)
   * neither waits for nor counts on the account-wide key: anyone can trip that
   * key from a few IPs, one failure each time its delay ends, and would
   * otherwise keep the owner out for as long as they cared to. The owner's
   * trusted computer stays usable; its IP's own keys still apply.
   */
  async begin(
    email: string,
    ip: string,
    options: LoginOptions = {},
  ): Promise<{ wait: number } | { attempt: LoginAttempt }> {
    return counted(async () => {
      const keys = this.keysFor(email, ip, options);
      const outcomes = await Promise.all(keys.map(([limiter, key]) => limiter.begin(key)));
      const tickets = outcomes.flatMap((outcome, i) =>
        'ticket' in outcome ? [{ limiter: keys[i][0], ticket: outcome.ticket }] : [],
      );
      if (tickets.length === keys.length) {
        return { attempt: { tickets } };
      }
      await Promise.all(tickets.map(({ limiter, ticket }) => limiter.giveBack(ticket)));

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
        ...attempt.tickets
          .filter(({ limiter }) => limiter === this.ip)
          .map(({ ticket }) => this.ip.giveBack(ticket)),
      ]),
    );
  }

  /** The password was never checked (the mail server did not answer): nothing is counted. */
  async undecided(attempt: LoginAttempt): Promise<void> {
    await counted(() =>
      Promise.all(attempt.tickets.map(({ limiter, ticket }) => limiter.giveBack(ticket))),
    );
  }

  /** The keys an attempt counts on: pair, account (unless from a trusted device), IP. */
  private keysFor(
    email: string,
    ip: string,
    options: LoginOptions,
  ): Array<[AttemptLimiter, string]> {
    return [
      [this.accountAndIp, pairKey(email, ip)],
      ...(options.trustedDevice
        ? []
        : [[this.account, accountKey(email)] as [AttemptLimiter, string]]),
      [this.ip, ipKey(ip)],
    ];
  }
}

export interface LoginOptions {
  /** The login presents a live trusted device of the account (checked before the password). */
  trustedDevice?: boolean;
}

/** An attempt `begin` counted: one ticket per key it was counted on. */
export interface LoginAttempt {
  tickets: Array<{ limiter: AttemptLimiter; ticket: AttemptTicket }>;
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
