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

const APP = 'mail-bridge';

const schema = z.object({
  ...platformVariables(APP),
  ...postgresVariables(APP),
  ...natsVariables,
});

export interface MailBridgeConfig {
  platform: PlatformConfig;
  postgres: PostgresConfig;
  nats: { url: string; prefix: string };
}

export const MAIL_BRIDGE_CONFIG = Symbol('MAIL_BRIDGE_CONFIG');

export function loadMailBridgeConfig(env?: Record<string, string | undefined>): MailBridgeConfig {
  const vars = loadConfig(schema, env);

  return {
    platform: toPlatformConfig(APP, vars),
    postgres: toPostgresConfig(vars),
    nats: { url: vars.NATS_URL, prefix: vars.NATS_PREFIX },
  };
}
