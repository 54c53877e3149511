import { z } from 'zod';

import {
  loadConfig,
  natsVariables,
  platformVariables,
  postgresVariables,
  PlatformConfig,
  PostgresConfig,
  toPlatformConfig,
  toPostgresConfig,
} from '@confer/config';

const APP = 'auth-2fa';

const schema = z.object({
  ...platformVariables(APP),
  ...postgresVariables(APP),
  ...natsVariables,
});

export interface AuthConfig {
  platform: PlatformConfig;
  postgres: PostgresConfig;
  nats: { url: string; prefix: string };
}

export const AUTH_CONFIG = Symbol('AUTH_CONFIG');

export function loadAuthConfig(env?: Record<string, string | undefined>): AuthConfig {
  const vars = loadConfig(schema, env);

  return {
    platform: toPlatformConfig(APP, vars),
    postgres: toPostgresConfig(vars),
    nats: { url: vars.NATS_URL, prefix: vars.NATS_PREFIX },
  };
}
