// Login attempt limits on the real Redis of docs/servers.md: what a success,
// an undecided attempt and a burst leave counted, and no Redis at all.
import Redis from 'ioredis';

import { ConferError } from '@confer/errors';
import { freePort, testServers, uniqueToken } from '@confer/testing';

import { AuthConfig } from '../config';
import { LoginAttempt, LoginThrottle } from './login-throttle';

const servers = testServers();

function configOf(prefix: string): AuthConfig {
  return {
    nats: { prefix },
    loginLimits: {
      freePerAccountAndIp: 2,
      freePerAccount: 4,
      freePerIp: 3,
      maxDelaySeconds: 60,
      maxAccountDelaySeconds: 10,
    },
  } as AuthConfig;
}

describe(LoginThrottle.name, () => {
  const prefix = uniqueToken('it-throttle');
  let redis: Redis;
  let throttle: LoginThrottle;

  beforeAll(() => {
    redis = new Redis(servers.redisUrl, { maxRetriesPerRequest: 1 });
    throttle = new LoginThrottle(redis, configOf(prefix));
  });

  afterAll(async () => {
    const keys = await redis.keys(`confer:${prefix}:*`);
    if (keys.length > 0) {
      await redis.del(...keys);
    }
    await redis.quit();
  });

  async function begun(email: string, ip: string): Promise<LoginAttempt> {
    const outcome = await throttle.begin(email, ip);
    if (!('attempt' in outcome)) {
      throw new Error(`refused: wait ${outcome.wait} s`);
    }

    return outcome.attempt;
  }

  it('lets one attempt of a burst past the free ones through, however many are sent', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () => throttle.begin('burst@example.com', '192.0.2.1')),
    );

    // Two free for the address from this IP, and the third that earns the first delay.
    expect(outcomes.filter((outcome) => 'attempt' in outcome)).toHaveLength(3);
    expect(await throttle.retryAfter('burst@example.com', '192.0.2.1')).toBeGreaterThanOrEqual(1);
  });

  it('counts nothing for an attempt never decided', async () => {
    for (let attempt = 0; attempt < 10; attempt += 1) {
      await throttle.undecided(await begun('undecided@example.com', '192.0.2.2'));
    }

    expect(await throttle.retryAfter('undecided@example.com', '192.0.2.2')).toBe(0);
  });

  it('charges the IP nothing for a success, and clears the address', async () => {
    // Two failures of the address: the free ones.
    await begun('owner@example.com', '192.0.2.3');
    await begun('owner@example.com', '192.0.2.3');
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await throttle.succeeded(
        'owner@example.com',
        '192.0.2.3',
        await begun('owner@example.com', '192.0.2.3'),
      );
    }

    // Seven attempts from the IP, five of them successes: the IP has its third
    // free attempt left and nothing delays the address.
    expect(await throttle.retryAfter('owner@example.com', '192.0.2.3')).toBe(0);
    await begun('someone.else@example.com', '192.0.2.3');
    expect(await throttle.retryAfter('someone.else@example.com', '192.0.2.3')).toBe(0);
    await begun('someone.else@example.com', '192.0.2.3');
    expect(await throttle.retryAfter('another@example.com', '192.0.2.3')).toBeGreaterThanOrEqual(1);
  });

  it('spares a login from a trusted device the account-wide delay, and no other', async () => {
    // Four free for the address from anywhere, the fifth earns its first delay.
    for (let n = 1; n <= 5; n += 1) {
      await begun('target@example.com', `198.51.100.${n}`);
    }
    const untrusted = await throttle.begin('target@example.com', '192.0.2.5');
    const trusted = await throttle.begin('target@example.com', '192.0.2.5', {
      trustedDevice: true,
    });
    // The address from one IP still counts for a trusted device: two free, the
    // third earns a delay that the fourth waits for.
    const fromOneIp = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      fromOneIp.push(
        await throttle.begin('target@example.com', '192.0.2.6', { trustedDevice: true }),
      );
    }

    expect(untrusted).toEqual({ wait: expect.any(Number) });
    expect(trusted).toHaveProperty('attempt');
    expect(fromOneIp.map((outcome) => 'attempt' in outcome)).toEqual([true, true, true, false]);
    expect(await throttle.retryAfter('target@example.com', '192.0.2.5')).toBeGreaterThanOrEqual(1);
    expect(
      await throttle.retryAfter('target@example.com', '192.0.2.5', { trustedDevice: true }),
    ).toBe(0);
  });

  it('refuses as unavailable, with a retry time, while Redis does not answer', async () => {
    const away = new Redis(`redis://127.0.0.1:${await freePort()}`, {
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    away.on('error', () => undefined);
    const cut = new LoginThrottle(away, configOf(prefix));

    for (const call of [
      () => cut.retryAfter('a@example.com', '192.0.2.4'),
      () => cut.begin('a@example.com', '192.0.2.4'),
    ]) {
      const error = await call().then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).toBeInstanceOf(ConferError);
      expect(error).toMatchObject({
        code: 'service.unavailable',
        details: { retryAfterSeconds: 5 },
      });
    }
    away.disconnect();
  });
});
