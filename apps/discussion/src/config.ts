import {
  defaultGrpcUrl,
  hostPortVar,
  loadConfig,
  serviceConfigSchema,
  ServiceConfig,
  toServiceConfig,
} from '@confer/config';

const APP = 'discussion';

const schema = serviceConfigSchema(APP, {
  /** Where discussions' conversations live (host:port). */
  MESSAGING_GRPC_URL: hostPortVar(defaultGrpcUrl('messaging')),
});

export interface DiscussionConfig extends ServiceConfig {
  messagingGrpcUrl: string;
}

export const DISCUSSION_CONFIG = Symbol('DISCUSSION_CONFIG');

export function loadDiscussionConfig(env?: Record<string, string | undefined>): DiscussionConfig {
  const vars = loadConfig(schema, env);

  return { ...toServiceConfig(APP, vars), messagingGrpcUrl: vars.MESSAGING_GRPC_URL };
}
