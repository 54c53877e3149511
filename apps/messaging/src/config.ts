import { z } from 'zod';

import {
  countVar,
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

const APP = 'messaging';

const schema = z.object({
  ...platformVariables(APP),
  ...postgresVariables(APP),
  ...natsVariables,
  /** The directory service that says which user ids exist (host:port). */
  CONTACTS_GRPC_URL: hostPortVar(defaultGrpcUrl('contacts')),
  /** Most sends written in one group-commit transaction. */
  SEND_BATCH_MAX: countVar(500).pipe(z.number().max(5_000)),
  /** Most members a group chat or discussion may have. */
  GROUP_MEMBER_LIMIT: countVar(2_000),
});

export interface MessagingConfig {
  platform: PlatformConfig;
  postgres: PostgresConfig;
  nats: { url: string; prefix: string };
  contactsGrpcUrl: string;
  sendBatchMax: number;
  groupMemberLimit: number;
}

export const MESSAGING_CONFIG = Symbol('MESSAGING_CONFIG');

export function loadMessagingConfig(env?: Record<string, string | undefined>): MessagingConfig {
  const vars = loadConfig(schema, env);

  return {
    platform: toPlatformConfig(APP, vars),
    postgres: toPostgresConfig(vars),
    nats: { url: vars.NATS_URL, prefix: vars.NATS_PREFIX },
    contactsGrpcUrl: vars.CONTACTS_GRPC_URL,
    sendBatchMax: vars.SEND_BATCH_MAX,
    groupMemberLimit: vars.GROUP_MEMBER_LIMIT,
  };
}
