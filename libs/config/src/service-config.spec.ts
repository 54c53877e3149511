import { z } from 'zod';

import { ConfigError, loadConfig } from './load-config';
import { serviceConfigSchema, toServiceConfig } from './service-config';

describe(toServiceConfig.name, () => {
  it('maps a bare environment to the local development servers and the app defaults', () => {
    const vars = loadConfig(serviceConfigSchema('contacts'), {});

    expect(toServiceConfig('contacts', vars)).toEqual({
      platform: {
        app: 'contacts',
        version: '0.1.0',
        http: { host: '127.0.0.1', port: 3103 },
        grpc: { host: '127.0.0.1', port: 50053 },
        logLevel: 'info',
        shutdownGraceMs: 10_000,
      },
      postgres: {
        url: 'postgres://postgres@127.0.0.1:5432/postgres',
        database: 'confer_contacts',
        poolSize: 10,
        migrateOnStart: true,
      },
      nats: { url: 'nats://127.0.0.1:4222', prefix: 'confer' },
    });
  });

  it('names the database after the app with hyphens folded to underscores', () => {
    const vars = loadConfig(serviceConfigSchema('mail-bridge'), {});

    expect(toServiceConfig('mail-bridge', vars).postgres.database).toBe('confer_mail_bridge');
  });
});

describe(serviceConfigSchema.name, () => {
  const schema = serviceConfigSchema('drive', { S3_REGION: z.string().min(1).default('here') });

  it("keeps the app's own variables beside the shared ones", () => {
    const vars = loadConfig(schema, { S3_REGION: 'eu-west-1', NATS_PREFIX: 'it_1' });

    expect(vars.S3_REGION).toBe('eu-west-1');
    expect(toServiceConfig('drive', vars).nats.prefix).toBe('it_1');
  });

  it('lists bad shared and app variables together', () => {
    let error: unknown;
    try {
      loadConfig(schema, { S3_REGION: '', NATS_PREFIX: 'Not A Token', HTTP_PORT: 'eighty' });
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((problem) => problem.split(':')[0]).sort()).toEqual([
      'HTTP_PORT',
      'NATS_PREFIX',
      'S3_REGION',
    ]);
  });
});
