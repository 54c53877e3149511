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

const APP = 'contacts';

const schema = z.object({
  ...platformVariables(APP),
  ...postgresVariables(APP),
  ...natsVariables,
});

export interface ContactsConfig {
  platform: PlatformConfig;
  postgres: PostgresConfig;
  nats: { url: string; prefix: string };
}

export const CONTACTS_CONFIG = Symbol('CONTACTS_CONFIG');

export function loadContactsConfig(env?: Record<string, string | undefined>): ContactsConfig {
  const vars = loadConfig(schema, env);

  return {
    platform: toPlatformConfig(APP, vars),
    postgres: toPostgresConfig(vars),
    nats: { url: vars.NATS_URL, prefix: vars.NATS_PREFIX },
  };
}
