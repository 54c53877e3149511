import { z } from 'zod';

import {
  natsVariables,
  PlatformConfig,
  platformVariables,
  PostgresConfig,
  postgresVariables,
  toPlatformConfig,
  toPostgresConfig,
} from './platform-config';
import { AppName } from './service-ports';

export interface NatsConfig {
  url: string;
  /** First token of every subject and stream name. */
  prefix: string;
}

/** What every app with a database and NATS reads; an app's own config adds to it. */
export interface ServiceConfig {
  platform: PlatformConfig;
  postgres: PostgresConfig;
  nats: NatsConfig;
}

/** The platform, PostgreSQL and NATS variables, as one shape to spread into a schema. */
export function serviceVariables(app: AppName) {
  return { ...platformVariables(app), ...postgresVariables(app), ...natsVariables };
}

type ServiceShape = ReturnType<typeof serviceVariables>;
type ServiceEnv = z.output<z.ZodObject<ServiceShape>>;

/** The schema of an app's environment: the shared variables plus the app's own. */
export function serviceConfigSchema<E extends z.ZodRawShape = Record<never, never>>(
  app: AppName,
  extra?: E,
) {
  return z.object({ ...serviceVariables(app), ...(extra ?? ({} as E)) });
}

/** The shared part of an app's config, from variables validated by its schema. */
export function toServiceConfig(app: AppName, vars: ServiceEnv): ServiceConfig {
  return {
    platform: toPlatformConfig(app, vars),
    postgres: toPostgresConfig(vars),
    nats: { url: vars.NATS_URL, prefix: vars.NATS_PREFIX },
  };
}
