import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';

import { RequestError } from '@confer/errors';

import { AUTH_CONFIG, AuthConfig } from '../config';
import { AttemptLimiter } from '../rate-limits/attempt-limiter';
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
 * account must not buy an IP fresh guesses at others).
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

  async recordFailure(email: string, ip: string): Promise<void> {
    await counted(() =>
      Promise.all([
        this.accountAndIp.recordFailure(pairKey(email, ip)),
        this.account.recordFailure(accountKey(email)),
        this.ip.recordFailure(ipKey(ip)),
      ]),
    );
  }

  async recordSuccess(email: string, ip: string): Promise<void> {
    await counted(() =>
      Promise.all([
        this.accountAndIp.reset(pairKey(email, ip)),
        this.account.reset(accountKey(email)),
      ]),
    );
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
