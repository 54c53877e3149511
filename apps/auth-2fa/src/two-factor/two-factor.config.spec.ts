import { z } from 'zod';

import { loadConfig } from '@confer/config';

import { toTwoFactorConfig, twoFactorVariables } from './two-factor.config';

const schema = z.object(twoFactorVariables);

describe('two-factor configuration', () => {
  it('defaults to 30 s codes, one step of drift and the documented failed-code limits', () => {
    const config = toTwoFactorConfig(loadConfig(schema, {}));

    expect(config).toMatchObject({ periodSeconds: 30, driftSteps: 1, approvalTtlSeconds: 120 });
    expect(config.codeLimits).toEqual({
      accountIp: { failures: 5, windowSeconds: 900, firstBlockSeconds: 30, maxBlockSeconds: 900 },
      account: { failures: 20, windowSeconds: 3600, firstBlockSeconds: 60, maxBlockSeconds: 3600 },
      ip: { failures: 50, windowSeconds: 3600, firstBlockSeconds: 60, maxBlockSeconds: 3600 },
      blockMemorySeconds: 86400,
    });
    expect(config).toMatchObject({ keepFinishedSeconds: 86400, pruneIntervalSeconds: 3600 });
  });

  it('reads each limit from its variable', () => {
    const config = toTwoFactorConfig(
      loadConfig(schema, {
        TWO_FACTOR_ACCOUNT_IP_FAILURES: '3',
        TWO_FACTOR_ACCOUNT_IP_FIRST_BLOCK_SECONDS: '1',
        TWO_FACTOR_ACCOUNT_MAX_BLOCK_SECONDS: '120',
        TWO_FACTOR_IP_WINDOW_SECONDS: '60',
        TWO_FACTOR_KEEP_FINISHED_SECONDS: '600',
      }),
    );

    expect(config.codeLimits.accountIp).toMatchObject({ failures: 3, firstBlockSeconds: 1 });
    expect(config.codeLimits.account.maxBlockSeconds).toBe(120);
    expect(config.codeLimits.ip.windowSeconds).toBe(60);
    expect(config.keepFinishedSeconds).toBe(600);
  });

  it.each([
    [{ TWO_FACTOR_ACCOUNT_IP_FAILURES: '0' }],
    [{ TWO_FACTOR_ACCOUNT_WINDOW_SECONDS: 'an hour' }],
    [{ TWO_FACTOR_IP_MAX_BLOCK_SECONDS: '-5' }],
    [{ TWO_FACTOR_PRUNE_INTERVAL_SECONDS: '1.5' }],
    [{ TWO_FACTOR_PERIOD_SECONDS: '10' }],
  ])('refuses %j', (env) => {
    expect(() => loadConfig(schema, env)).toThrow(/TWO_FACTOR_/);
  });
});
