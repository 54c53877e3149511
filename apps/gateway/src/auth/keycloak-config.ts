import { z } from 'zod';

import { ConfigError, countVar, urlVar } from '@confer/config';

/**
 * A realm or client id as Keycloak allows them. The character set also keeps
 * out `${env.…}`, which keycloak-connect would otherwise expand from the
 * process environment behind the validated configuration's back.
 */
const KEYCLOAK_NAME = /^[A-Za-z0-9._-]{1,255}$/;

/** `realm-role=confer-role` pairs, comma-separated; a realm role may map to several Confer roles. */
const ROLE_MAP = /^\s*$|^\s*[^=,\s]+\s*=\s*[^=,\s]+\s*(,\s*[^=,\s]+\s*=\s*[^=,\s]+\s*)*$/;

export const keycloakVariables = {
  /** Keycloak's base URL (without `/realms/…`); SSO is off while it is unset. */
  KEYCLOAK_URL: urlVar('http://127.0.0.1:8080', ['http', 'https']).optional(),
  KEYCLOAK_REALM: z.string().regex(KEYCLOAK_NAME, 'must be a Keycloak realm name').optional(),
  /** The client tokens must be meant for: in `aud`, or its `azp`. */
  KEYCLOAK_CLIENT_ID: z.string().regex(KEYCLOAK_NAME, 'must be a Keycloak client id').optional(),
  /** Realm roles to Confer roles, e.g. `confer-admin=org_admin`; unmapped realm roles are ignored. */
  KEYCLOAK_ROLE_MAP: z
    .string()
    .regex(ROLE_MAP, 'must be realm-role=confer-role pairs separated by commas')
    .default(''),
  /** Shortest interval between two fetches of the realm's keys caused by an unknown key id. */
  KEYCLOAK_JWKS_REFRESH_SECONDS: countVar(10),
  /** Keys older than this are fetched again before use, so a removed key stops working. */
  KEYCLOAK_JWKS_MAX_AGE_SECONDS: countVar(600),
  KEYCLOAK_JWKS_TIMEOUT_SECONDS: countVar(5),
  /** Verified Keycloak tokens remembered (by hash, until expiry) so repeats skip the RSA check. */
  KEYCLOAK_TOKEN_CACHE_ENTRIES: countVar(10_000),
  /** How long an e-mail address → directory user answer is reused. */
  KEYCLOAK_USER_CACHE_SECONDS: countVar(30),
};

type KeycloakVars = z.output<z.ZodObject<typeof keycloakVariables>>;

export interface KeycloakConfig {
  /** `<KEYCLOAK_URL>/realms/<realm>`: the `iss` of the realm's tokens. */
  realmUrl: string;
  serverUrl: string;
  realm: string;
  clientId: string;
  /** Realm role → the Confer roles it grants. */
  roleMap: ReadonlyMap<string, readonly string[]>;
  jwksRefreshMs: number;
  jwksMaxAgeMs: number;
  jwksTimeoutMs: number;
  tokenCacheEntries: number;
  userCacheMs: number;
}

/**
 * The realm's settings, or undefined when SSO is off. URL, realm and client
 * come together or not at all: half a realm would silently turn SSO off.
 */
export function toKeycloakConfig(vars: KeycloakVars): KeycloakConfig | undefined {
  const named = ['KEYCLOAK_URL', 'KEYCLOAK_REALM', 'KEYCLOAK_CLIENT_ID'] as const;
  const missing = named.filter((name) => !vars[name]);
  if (missing.length === named.length) {
    return undefined;
  }
  if (missing.length > 0) {
    throw new ConfigError(
      missing.map((name) => `${name}: is required when any of ${named.join(', ')} is set`),
    );
  }
  const serverUrl = vars.KEYCLOAK_URL!.replace(/\/+$/, '');

  return {
    realmUrl: `${serverUrl}/realms/${vars.KEYCLOAK_REALM}`,
    serverUrl,
    realm: vars.KEYCLOAK_REALM!,
    clientId: vars.KEYCLOAK_CLIENT_ID!,
    roleMap: parseRoleMap(vars.KEYCLOAK_ROLE_MAP),
    jwksRefreshMs: vars.KEYCLOAK_JWKS_REFRESH_SECONDS * 1000,
    jwksMaxAgeMs: vars.KEYCLOAK_JWKS_MAX_AGE_SECONDS * 1000,
    jwksTimeoutMs: vars.KEYCLOAK_JWKS_TIMEOUT_SECONDS * 1000,
    tokenCacheEntries: vars.KEYCLOAK_TOKEN_CACHE_ENTRIES,
    userCacheMs: vars.KEYCLOAK_USER_CACHE_SECONDS * 1000,
  };
}

export function parseRoleMap(text: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const pair of text.split(',')) {
    const [realmRole, conferRole] = pair.split('=').map((part) => part.trim());
    if (realmRole && conferRole) {
      map.set(realmRole, [...(map.get(realmRole) ?? []), conferRole]);
    }
  }

  return map;
}
