import { z } from 'zod';

import {
  countVar,
  defaultGrpcUrl,
  hostPortVar,
  loadConfig,
  serviceConfigSchema,
  ServiceConfig,
  toServiceConfig,
} from '@confer/config';

import { AuditConfig, auditVariables, toAuditConfig } from './audit/audit.config';

const APP = 'auth-2fa';

const schema = serviceConfigSchema(APP, {
  ...auditVariables,
  CONTACTS_GRPC_URL: hostPortVar(defaultGrpcUrl('contacts')),
  AUTH_ISSUER: z.string().min(1).default('confer-auth'),
  AUTH_AUDIENCE: z.string().min(1).default('confer-api'),
  ACCESS_TOKEN_TTL_SECONDS: countVar(3600).pipe(z.number().max(7 * 24 * 3600)),
});

export interface AuthConfig extends ServiceConfig {
  audit: AuditConfig;
  contactsGrpcUrl: string;
  tokens: {
    /** `iss` of every token, and what verifiers expect. */
    issuer: string;
    /** `aud` of every token: the API the tokens are for. */
    audience: string;
    ttlSeconds: number;
  };
}

export const AUTH_CONFIG = Symbol('AUTH_CONFIG');

export function loadAuthConfig(env?: Record<string, string | undefined>): AuthConfig {
  const vars = loadConfig(schema, env);

  return {
    ...toServiceConfig(APP, vars),
    audit: toAuditConfig(vars),
    contactsGrpcUrl: vars.CONTACTS_GRPC_URL,
    tokens: {
      issuer: vars.AUTH_ISSUER,
      audience: vars.AUTH_AUDIENCE,
      ttlSeconds: vars.ACCESS_TOKEN_TTL_SECONDS,
    },
  };
}
