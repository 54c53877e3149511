import { z } from 'zod';

import {
  countVar,
  grpcClientVariables,
  grpcUrlVariable,
  loadConfig,
  natsVariables,
  platformVariables,
  PlatformConfig,
  redisVariables,
  toPlatformConfig,
} from '@confer/config';

import { KeycloakConfig, keycloakVariables, toKeycloakConfig } from './auth/keycloak-config';

const APP = 'gateway';

/** The services the gateway calls, in the order readiness reports them. */
export const DOWNSTREAM = [
  'messaging',
  'discussion',
  'contacts',
  'auth-2fa',
  'mail-bridge',
] as const;

const schema = z.object({
  ...platformVariables(APP),
  ...natsVariables,
  ...redisVariables,
  ...grpcClientVariables(DOWNSTREAM),
  /** Largest accepted JSON request body, in KiB. */
  HTTP_BODY_LIMIT_KIB: countVar(256),
  /** Seconds a token's exp may lag the clock (clock skew between issuer and gateway). */
  AUTH_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
  /** Shortest interval between two JWKS refreshes caused by unknown key ids. */
  AUTH_JWKS_REFRESH_SECONDS: countVar(30),
  /** Ended sessions remembered at most; past it the oldest are forgotten (and logged). */
  AUTH_REVOKED_SESSIONS_MAX: countVar(100_000),
  /** How often the ended-session set is reloaded from auth-2fa, beside the live events. */
  AUTH_REVOCATION_RESYNC_SECONDS: countVar(60),
  /** Verified tokens remembered by hash until they expire: a repeated token skips the RSA check. */
  AUTH_TOKEN_CACHE_ENTRIES: countVar(10_000),
  /** Sustained client frames per second a WebSocket may send before it is closed. */
  LIVE_FRAMES_PER_SECOND: countVar(50),
  /** Changes replayed on resume before the client is told to resync over HTTP. */
  LIVE_REPLAY_LIMIT: countVar(5000),
  LIVE_HEARTBEAT_SECONDS: countVar(30),
  LIVE_AUTH_TIMEOUT_SECONDS: countVar(10),
  ...keycloakVariables,
});

export interface GatewayConfig {
  platform: PlatformConfig;
  nats: { url: string; prefix: string };
  redis: { url: string };
  grpc: {
    messaging: string;
    discussion: string;
    contacts: string;
    auth: string;
    mailBridge: string;
  };
  http: { bodyLimitBytes: number };
  auth: {
    clockToleranceSeconds: number;
    jwksRefreshMs: number;
    tokenCacheEntries: number;
    revokedSessionsMax: number;
    revocationResyncMs: number;
  };
  live: {
    framesPerSecond: number;
    replayLimit: number;
    heartbeatMs: number;
    authTimeoutMs: number;
  };
  /** Keycloak single sign-on; absent when KEYCLOAK_URL, _REALM and _CLIENT_ID are unset. */
  keycloak?: KeycloakConfig;
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

export function loadGatewayConfig(env?: Record<string, string | undefined>): GatewayConfig {
  const vars = loadConfig(schema, env);
  const grpcUrl = (app: (typeof DOWNSTREAM)[number]) =>
    (vars as Record<string, unknown>)[grpcUrlVariable(app)] as string;

  return {
    platform: toPlatformConfig(APP, vars),
    nats: { url: vars.NATS_URL, prefix: vars.NATS_PREFIX },
    redis: { url: vars.REDIS_URL },
    grpc: {
      messaging: grpcUrl('messaging'),
      discussion: grpcUrl('discussion'),
      contacts: grpcUrl('contacts'),
      auth: grpcUrl('auth-2fa'),
      mailBridge: grpcUrl('mail-bridge'),
    },
    http: { bodyLimitBytes: vars.HTTP_BODY_LIMIT_KIB * 1024 },
    auth: {
      clockToleranceSeconds: vars.AUTH_CLOCK_TOLERANCE_SECONDS,
      jwksRefreshMs: vars.AUTH_JWKS_REFRESH_SECONDS * 1000,
      revokedSessionsMax: vars.AUTH_REVOKED_SESSIONS_MAX,
      revocationResyncMs: vars.AUTH_REVOCATION_RESYNC_SECONDS * 1000,
      tokenCacheEntries: vars.AUTH_TOKEN_CACHE_ENTRIES,
    },
    live: {
      framesPerSecond: vars.LIVE_FRAMES_PER_SECOND,
      replayLimit: vars.LIVE_REPLAY_LIMIT,
      heartbeatMs: vars.LIVE_HEARTBEAT_SECONDS * 1000,
      authTimeoutMs: vars.LIVE_AUTH_TIMEOUT_SECONDS * 1000,
    },
    keycloak: toKeycloakConfig(vars),
  };
}
