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

const APP = 'messaging';

const schema = z.object({
  ...platformVariables(APP),
  ...postgresVariables(APP),
  ...natsVariables,
});

export interface MessagingConfig {
  platform: PlatformConfig;
  postgres: PostgresConfig;
  nats: { url: string; prefix: string };
}

export const MESSAGING_CONFIG = Symbol('MESSAGING_CONFIG');

export function loadMessagingConfig(env?: Record<string, string | undefined>): MessagingConfig {
  const vars = loadConfig(schema, env);

  return {
    platform: toPlatformConfig(APP, vars),
    postgres: toPostgresConfig(vars),
    nats: { url: vars.NATS_URL, prefix: vars.NATS_PREFIX },
  };
}
