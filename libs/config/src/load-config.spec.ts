import { z } from 'zod';

import { ConfigError, flagVar, loadConfig, portVar, urlVar } from './load-config';

describe(loadConfig.name, () => {
  const schema = z.object({
    HTTP_PORT: portVar(3000),
    NATS_URL: urlVar('nats://127.0.0.1:4222', ['nats']),
    MIGRATE_ON_START: flagVar(true),
  });

  it('fills defaults for a bare environment', () => {
    expect(loadConfig(schema, {})).toEqual({
      HTTP_PORT: 3000,
      NATS_URL: 'nats://127.0.0.1:4222',
      MIGRATE_ON_START: true,
    });
  });

  it('lists every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig(schema, { HTTP_PORT: 'eighty', NATS_URL: 'http://x', MIGRATE_ON_START: 'maybe' });
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/HTTP_PORT/);
    expect(problems.join('\n')).toMatch(/NATS_URL: must be a URL with scheme nats/);
    expect(problems.join('\n')).toMatch(/MIGRATE_ON_START/);
  });

  it('converts typed values', () => {
    expect(loadConfig(schema, { HTTP_PORT: '8080', MIGRATE_ON_START: '0' })).toMatchObject({
      HTTP_PORT: 8080,
      MIGRATE_ON_START: false,
    });
  });
});
