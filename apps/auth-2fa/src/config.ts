import { z } from 'zod';

import {
  countVar,
  defaultGrpcUrl,
  hostPortVar,
  loadConfig,
  redisVariables,
  serviceConfigSchema,
  ServiceConfig,
  toServiceConfig,
} from '@confer/config';

import {
  toTwoFactorConfig,
  TwoFactorConfig,
  twoFactorVariables,
} from './two-factor/two-factor.config';

import { AuditConfig, auditVariables, toAuditConfig } from './audit/audit.config';

const APP = 'auth-2fa';

const schema = serviceConfigSchema(APP, {
  ...twoFactorVariables,
  ...auditVariables,
  ...redisVariables,
  CONTACTS_GRPC_URL: hostPortVar(defaultGrpcUrl('contacts')),
  MAIL_BRIDGE_GRPC_URL: hostPortVar(defaultGrpcUrl('mail-bridge')),
  AUTH_ISSUER: z.string().min(1).default('confer-auth'),
  AUTH_AUDIENCE: z.string().min(1).default('confer-api'),
  ACCESS_TOKEN_TTL_SECONDS: countVar(900).pipe(z.number().max(24 * 3600)),
  REFRESH_TOKEN_TTL_SECONDS: countVar(30 * 24 * 3600).pipe(z.number().max(365 * 24 * 3600)),
  /** Failed logins of one address from one IP before delays start. */
  LOGIN_FREE_ATTEMPTS_PER_ACCOUNT_IP: countVar(5),
  /** Failed logins of one address from anywhere before delays start. */
  LOGIN_FREE_ATTEMPTS_PER_ACCOUNT: countVar(20),
  /** Failed logins from one IP, any address, before delays start. */
  LOGIN_FREE_ATTEMPTS_PER_IP: countVar(100),
  /** Longest delay a run of failures of one address from one IP (or from one IP) earns. */
  LOGIN_MAX_DELAY_SECONDS: countVar(900),
  /**
   * Longest delay failures of one address from anywhere earn: kept short, since
   * anyone can cause it and it also slows the address's owner.
   */
  LOGIN_MAX_ACCOUNT_DELAY_SECONDS: countVar(60),
});

export interface AuthConfig extends ServiceConfig {
  twoFactor: TwoFactorConfig;
  audit: AuditConfig;
  contactsGrpcUrl: string;
  mailBridgeGrpcUrl: string;
  redis: { url: string };
  tokens: {
    /** `iss` of every token, and what verifiers expect. */
    issuer: string;
    /** `aud` of every token: the API the tokens are for. */
    audience: string;
    /** Access token lifetime: also how long a gateway must remember a revoked session. */
    ttlSeconds: number;
    refreshTtlSeconds: number;
  };
  loginLimits: {
    freePerAccountAndIp: number;
    freePerAccount: number;
    freePerIp: number;
    maxDelaySeconds: number;
    maxAccountDelaySeconds: number;
  };
}

export const AUTH_CONFIG = Symbol('AUTH_CONFIG');

export function loadAuthConfig(env?: Record<string, string | undefined>): AuthConfig {
  const vars = loadConfig(schema, env);

  return {
    ...toServiceConfig(APP, vars),
    twoFactor: toTwoFactorConfig(vars),
    audit: toAuditConfig(vars),
    contactsGrpcUrl: vars.CONTACTS_GRPC_URL,
    mailBridgeGrpcUrl: vars.MAIL_BRIDGE_GRPC_URL,
    redis: { url: vars.REDIS_URL },
    tokens: {
      issuer: vars.AUTH_ISSUER,
      audience: vars.AUTH_AUDIENCE,
      ttlSeconds: vars.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: vars.REFRESH_TOKEN_TTL_SECONDS,
    },
    loginLimits: {
      freePerAccountAndIp: vars.LOGIN_FREE_ATTEMPTS_PER_ACCOUNT_IP,
      freePerAccount: vars.LOGIN_FREE_ATTEMPTS_PER_ACCOUNT,
      freePerIp: vars.LOGIN_FREE_ATTEMPTS_PER_IP,
      maxDelaySeconds: vars.LOGIN_MAX_DELAY_SECONDS,
      maxAccountDelaySeconds: vars.LOGIN_MAX_ACCOUNT_DELAY_SECONDS,
    },
  };
}
