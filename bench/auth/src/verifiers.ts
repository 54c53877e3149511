import { exportJWK, generateKeyPair, SignJWT } from 'jose';

import { BuiltInTokenVerifier } from '@confer/gateway/dist/auth/built-in-token-verifier';
import { IssuerRouter } from '@confer/gateway/dist/auth/issuer-router';
import { KeycloakAdapter } from '@confer/gateway/dist/auth/keycloak-adapter';
import { KeycloakTokenVerifier } from '@confer/gateway/dist/auth/keycloak-token-verifier';
import { KeycloakUserDirectory } from '@confer/gateway/dist/auth/keycloak-user-directory';
import type { TokenVerifier } from '@confer/gateway/dist/auth/token-verifier';
import type { ContactsClient } from '@confer/gateway/dist/clients/service-clients';
import { KeycloakTestIssuer } from '@confer/testing';

/** A verifier under test with the distinct tokens it is fed, and what to stop afterwards. */
export interface Subject {
  name: string;
  verifier: TokenVerifier;
  tokens: string[];
  close(): Promise<void>;
}

const ORG_ID = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const ISSUER = 'https://confer.bench/issuer';
const AUDIENCE = 'confer-api';

/**
 * The gateway's verifier of auth-2fa's tokens, with the issuer's JWK Set
 * served from memory (as after the first GetJwks), behind the issuer router
 * as the gateway wires it: only verification is timed.
 */
export async function builtInSubject(count: number): Promise<Subject> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench-key', alg: 'RS256', use: 'sig' };
  const builtIn = new BuiltInTokenVerifier(
    { fetch: async () => ({ jwks: { keys: [jwk] }, issuer: ISSUER, audience: AUDIENCE }) },
    { clockToleranceSeconds: 5, refreshIntervalMs: 30_000 },
  );
  // As the gateway wires it: the issuer router in front, with its memory of verified tokens.
  const verifier = new IssuerRouter(builtIn, [], { builtInCacheEntries: 10_000 });
  const tokens = await Promise.all(
    Array.from({ length: count }, (_, index) =>
      new SignJWT({ org: ORG_ID, roles: [], sid: `session-${index}` })
        .setProtectedHeader({ alg: 'RS256', kid: 'bench-key' })
        .setSubject(userId(index))
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey),
    ),
  );

  return { name: 'built-in issuer', verifier, tokens, close: async () => undefined };
}

/**
 * The Keycloak adapter against a Keycloak-shaped realm on loopback (keys
 * fetched once, then cached) and the e-mail → user cache over a directory
 * answering from memory: the per-request path of a Keycloak bearer token.
 */
export async function keycloakSubject(count: number): Promise<Subject> {
  const realm = await KeycloakTestIssuer.start({ realm: 'bench', clientId: 'confer-web' });
  const directory = {
    findUserByEmail: async (_caller: unknown, request: { email: string }) => ({
      id: userId(Number(request.email.split('@')[0].slice(1))),
      orgId: ORG_ID,
      roles: [],
      status: 'USER_STATUS_ACTIVE',
    }),
  } as unknown as ContactsClient;
  const keycloak = new KeycloakTokenVerifier(
    new KeycloakAdapter({
      realmUrl: realm.realmUrl,
      realm: realm.realm,
      serverUrl: realm.url,
      clientId: realm.clientId,
      clockToleranceSeconds: 5,
      jwksRefreshMs: 10_000,
      jwksMaxAgeMs: 3_600_000,
      jwksTimeoutMs: 5_000,
      tokenCacheEntries: 10_000,
    }),
    new KeycloakUserDirectory(directory, 3_600_000),
    new Map([['confer-admin', ['org_admin']]]),
  );
  const verifier = new IssuerRouter(
    builtInStandIn,
    [{ issuer: realm.realmUrl, verifier: keycloak }],
    {
      builtInCacheEntries: 10_000,
    },
  );
  const tokens = await Promise.all(
    Array.from({ length: count }, (_, index) =>
      realm.issue(
        { username: `u${index}`, password: '', email: `u${index}@bench.example` },
        { exp: Math.floor(Date.now() / 1000) + 3600 },
      ),
    ),
  );

  return { name: 'Keycloak adapter', verifier, tokens, close: () => realm.close() };
}

/** Keycloak tokens never reach the built-in verifier; this one says so if they do. */
const builtInStandIn: TokenVerifier = {
  verify: () => Promise.reject(new Error('a Keycloak token was routed to the built-in verifier')),
};

function userId(index: number): string {
  return `00000000-0000-4000-8000-${index.toString().padStart(12, '0')}`;
}
