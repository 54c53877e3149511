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

const APP = 'drive';

const schema = z.object({
  ...platformVariables(APP),
  ...postgresVariables(APP),
  ...natsVariables,
});

export interface DriveConfig {
  platform: PlatformConfig;
  postgres: PostgresConfig;
  nats: { url: string; prefix: string };
}

export const DRIVE_CONFIG = Symbol('DRIVE_CONFIG');

export function loadDriveConfig(env?: Record<string, string | undefined>): DriveConfig {
  const vars = loadConfig(schema, env);

  return {
    platform: toPlatformConfig(APP, vars),
    postgres: toPostgresConfig(vars),
    nats: { url: vars.NATS_URL, prefix: vars.NATS_PREFIX },
  };
}
