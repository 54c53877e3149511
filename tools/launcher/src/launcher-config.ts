import { z } from 'zod';

import { flagVar, loadConfig, redisVariables, urlVar } from '@confer/config';
import type { S3Settings } from '@confer/stack';

const schema = z.object({
  POSTGRES_URL: urlVar('postgres://postgres@127.0.0.1:5432/postgres', ['postgres', 'postgresql']),
  NATS_URL: urlVar('nats://127.0.0.1:4222', ['nats', 'tls']),
  ...redisVariables,
  /** An S3 server to use instead of the s3rver the launcher starts itself. */
  S3_ENDPOINT: z.string().url().optional(),
  S3_ACCESS_KEY: z.string().default('S3RVER'),
  S3_SECRET_KEY: z.string().default('S3RVER'),
  S3_BUCKET: z.string().default('confer-drive'),
  S3_REGION: z.string().default('us-east-1'),
  /** Database-name and NATS prefix of the dev stack. */
  CONFER_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,20}$/, 'must be a short lower-case token')
    .default('confer'),
  /** Added to every app's default port (0: gateway on 3000). */
  CONFER_PORT_OFFSET: z.coerce.number().int().min(0).max(10_000).default(0),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  /** `files`: one JSON log per app under .confer/logs; `pretty`: all apps, readable, on the terminal. */
  CONFER_LOGS: z.enum(['files', 'pretty']).default('files'),
  CONFER_SEED: flagVar(true),
});

export interface LauncherConfig {
  postgresUrl: string;
  natsUrl: string;
  redisUrl: string;
  s3?: S3Settings;
  prefix: string;
  portOffset: number;
  logLevel: string;
  prettyLogs: boolean;
  seed: boolean;
}

export function loadLauncherConfig(env?: Record<string, string | undefined>): LauncherConfig {
  const vars = loadConfig(schema, env);

  return {
    postgresUrl: vars.POSTGRES_URL,
    natsUrl: vars.NATS_URL,
    redisUrl: vars.REDIS_URL,
    s3: vars.S3_ENDPOINT
      ? {
          endpoint: vars.S3_ENDPOINT,
          accessKey: vars.S3_ACCESS_KEY,
          secretKey: vars.S3_SECRET_KEY,
          bucket: vars.S3_BUCKET,
          region: vars.S3_REGION,
        }
      : undefined,
    prefix: vars.CONFER_PREFIX,
    portOffset: vars.CONFER_PORT_OFFSET,
    logLevel: vars.LOG_LEVEL,
    prettyLogs: vars.CONFER_LOGS === 'pretty',
    seed: vars.CONFER_SEED,
  };
}
