import { z } from 'zod';

import {
  defaultGrpcUrl,
  hostPortVar,
  loadConfig,
  natsVariables,
  platformVariables,
  postgresVariables,
  PlatformConfig,
  PostgresConfig,
  toPlatformConfig,
  toPostgresConfig,
} from '@confer/config';

const APP = 'discussion';

const schema = z.object({
  ...platformVariables(APP),
  ...postgresVariables(APP),
  ...natsVariables,
  /** Where discussions' conversations live (host:port). */
  MESSAGING_GRPC_URL: hostPortVar(defaultGrpcUrl('messaging')),
});

export interface DiscussionConfig {
  platform: PlatformConfig;
  postgres: PostgresConfig;
  nats: { url: string; prefix: string };
  messagingGrpcUrl: string;
}

export const DISCUSSION_CONFIG = Symbol('DISCUSSION_CONFIG');

export function loadDiscussionConfig(env?: Record<string, string | undefined>): DiscussionConfig {
  const vars = loadConfig(schema, env);

  return {
    platform: toPlatformConfig(APP, vars),
    postgres: toPostgresConfig(vars),
    nats: { url: vars.NATS_URL, prefix: vars.NATS_PREFIX },
    messagingGrpcUrl: vars.MESSAGING_GRPC_URL,
  };
}
