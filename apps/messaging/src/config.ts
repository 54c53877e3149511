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
  /** How often the live tailer looks for other replicas' commits when nothing woke it (ms). */
  LIVE_POLL_MS: countVar(10).pipe(z.number().max(1_000)),
  /** Most changes the live tailer publishes per page. */
  LIVE_PAGE_SIZE: countVar(1_000).pipe(z.number().max(10_000)),
  /** How often a standby replica asks whether the live tailer's lock is free (ms). */
  LIVE_STANDBY_POLL_MS: countVar(1_000),
  /** A new leader resumes where the last one stopped if it saved its place this recently (s). */
  LIVE_RESUME_SECONDS: countVar(60),
});

export interface MessagingConfig {
  platform: PlatformConfig;
  postgres: PostgresConfig;
  nats: { url: string; prefix: string };
  contactsGrpcUrl: string;
  sendBatchMax: number;
  groupMemberLimit: number;
  live: { pollMs: number; pageSize: number; standbyPollMs: number; resumeSeconds: number };
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
    live: {
      pollMs: vars.LIVE_POLL_MS,
      pageSize: vars.LIVE_PAGE_SIZE,
      standbyPollMs: vars.LIVE_STANDBY_POLL_MS,
      resumeSeconds: vars.LIVE_RESUME_SECONDS,
    },
  };
}
