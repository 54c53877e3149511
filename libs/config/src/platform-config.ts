import { z } from 'zod';

import { flagVar, hostPortVar, portVar, urlVar } from './load-config';
import { AppName, defaultGrpcUrl, grpcUrlVariable, SERVICE_PORTS } from './service-ports';

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

/** Variables every app reads: where it listens, how it logs, how long it drains. */
export function platformVariables(app: AppName) {
  return {
    HTTP_HOST: z.string().default('127.0.0.1'),
    HTTP_PORT: portVar(SERVICE_PORTS[app].http),
    GRPC_HOST: z.string().default('127.0.0.1'),
    GRPC_PORT: portVar(SERVICE_PORTS[app].grpc),
    LOG_LEVEL: logLevel,
    SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).max(300).default(10),
  };
}

/** Variables of an app that owns a PostgreSQL database named confer_<app>. */
export function postgresVariables(app: AppName) {
  return {
    POSTGRES_URL: urlVar('postgres://postgres@127.0.0.1:5432/postgres', ['postgres', 'postgresql']),
    DATABASE_NAME: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case PostgreSQL identifier')
      .default(`confer_${app.replace(/-/g, '_')}`),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    MIGRATE_ON_START: flagVar(true),
  };
}

export const natsVariables = {
  NATS_URL: urlVar('nats://127.0.0.1:4222', ['nats', 'tls']),
  /**
   * First token of every subject and stream name this deployment uses, so
   * several deployments (or test runs) can share one NATS server.
   */
  NATS_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,31}$/, 'must be a lower-case token')
    .default('confer'),
};

export const redisVariables = {
  REDIS_URL: urlVar('redis://127.0.0.1:6379', ['redis', 'rediss']),
};

/** The gRPC address variable of each app this one calls. */
export function grpcClientVariables<A extends AppName>(apps: readonly A[]) {
  return Object.fromEntries(
    apps.map((app) => [grpcUrlVariable(app), hostPortVar(defaultGrpcUrl(app))]),
  ) as Record<string, ReturnType<typeof hostPortVar>>;
}

export interface PlatformConfig {
  app: AppName;
  version: string;
  http: { host: string; port: number };
  grpc: { host: string; port: number };
  logLevel: z.infer<typeof logLevel>;
  shutdownGraceMs: number;
}

export interface PostgresConfig {
  url: string;
  database: string;
  poolSize: number;
  migrateOnStart: boolean;
}

type PlatformEnv = z.output<z.ZodObject<ReturnType<typeof platformVariables>>>;
type PostgresEnv = z.output<z.ZodObject<ReturnType<typeof postgresVariables>>>;

export function toPlatformConfig(app: AppName, env: PlatformEnv, version = '0.1.0'): PlatformConfig {
  return {
    app,
    version,
    http: { host: env.HTTP_HOST, port: env.HTTP_PORT },
    grpc: { host: env.GRPC_HOST, port: env.GRPC_PORT },
    logLevel: env.LOG_LEVEL,
    shutdownGraceMs: env.SHUTDOWN_GRACE_SECONDS * 1000,
  };
}

export function toPostgresConfig(env: PostgresEnv): PostgresConfig {
  return {
    url: env.POSTGRES_URL,
    database: env.DATABASE_NAME,
    poolSize: env.DATABASE_POOL_SIZE,
    migrateOnStart: env.MIGRATE_ON_START,
  };
}
