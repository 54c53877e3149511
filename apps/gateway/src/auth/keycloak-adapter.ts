import { createHash } from 'node:crypto';

import { Logger } from '@nestjs/common';
import { decodeJwt, decodeProtectedHeader, JWTPayload, ProtectedHeaderParameters } from 'jose';
import KeycloakConnect from 'keycloak-connect';

import { AuthError, RequestError } from '@confer/errors';

/** What the adapter needs to know about the realm. */
export interface KeycloakAdapterOptions {
  /** `<server>/realms/<realm>`: the tokens' `iss`, and where the keys are. */
  realmUrl: string;
  realm: string;
  serverUrl: string;
  clientId: string;
  /** Seconds a token's `nbf` may lie in the future (clock skew). */
  clockToleranceSeconds: number;
  /** Shortest time between two key fetches caused by an unknown key id. */
  jwksRefreshMs: number;
  /** Keys older than this are fetched again before the next verification. */
  jwksMaxAgeMs: number;
  jwksTimeoutMs: number;
  /** How many verified tokens are remembered (by hash, until they expire). */
  tokenCacheEntries: number;
}

/** The claims of a verified Keycloak access token that Confer uses. */
export interface KeycloakClaims {
  subject: string;
  email?: string;
  emailVerified: boolean;
  username?: string;
  realmRoles: string[];
  /** Keycloak's session id (`sid`), when the token has one. */
  sessionId: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/**
 * The parts of keycloak-connect's grant manager driven here. Its key
 * rotation object is typed by hand: the package declares no types for it.
 */
interface RealmKeys {
  jwks: Array<{ kid?: string }>;
  retrieveJWKs(): Promise<{ keys?: Array<{ kid?: string }> }>;
}

interface GrantManager {
  rotation: RealmKeys;
  createGrant(raw: string): Promise<unknown>;
}

/**
 * Verifies Keycloak access tokens with keycloak-connect in bearer-only mode,
 * without its Express middleware. keycloak-connect is deprecated upstream and
 * receives only security fixes, so this class is the only code that knows it.
 *
 * keycloak-connect checks the signature (RS256, key by `kid` from the realm's
 * certs endpoint), `exp`, `typ: Bearer` and `iss`. It does not check `nbf`,
 * nor whether the token was meant for this client, so those checks are made
 * here first; each refusal is decided here, never read from its error text.
 *
 * Keys are fetched by this class (through keycloak-connect's rotation object)
 * so that a burst of tokens naming an unknown `kid` causes one fetch, at most
 * once per refresh interval, and so that keycloak-connect never reaches its own
 * fetch path, which writes to the console when it is throttled.
 *
 * A verified token is remembered by its SHA-256 until it expires (bounded,
 * oldest first out), so a client's repeated requests cost a hash and a map
 * look-up instead of keycloak-connect's key conversion and RSA check. A
 * remembered token is still refused once its key leaves the realm's set.
 */
export class KeycloakAdapter {
  private readonly logger = new Logger(KeycloakAdapter.name);
  private readonly grants: GrantManager;
  private knownKids = new Set<string>();
  private loadedAt = Number.NEGATIVE_INFINITY;
  private lastFetchAt = Number.NEGATIVE_INFINITY;
  private fetching?: Promise<void>;
  /** Verified tokens by SHA-256, oldest first: a client sends the same token many times. */
  private readonly verified = new Map<string, { claims: KeycloakClaims; kid: string }>();

  constructor(
    private readonly options: KeycloakAdapterOptions,
    private readonly now: () => number = Date.now,
  ) {
    const keycloak = new KeycloakConnect(
      {},
      {
        realm: options.realm,
        'auth-server-url': options.serverUrl,
        resource: options.clientId,
        'bearer-only': true,
        'ssl-required': 'external',
        'confidential-port': 0,
      },
    );
    this.grants = keycloak.grantManager as unknown as GrantManager;
  }

  get realmUrl(): string {
    return this.options.realmUrl;
  }

  async verify(token: string): Promise<KeycloakClaims> {
    const hash = createHash('sha256').update(token).digest('base64');
    const remembered = this.remembered(hash);
    if (remembered) {
      return remembered;
    }
    const { header, payload } = decode(token);
    this.checkClaims(payload);
    await this.ensureKey(header.kid!);
    try {
      // The same call keycloak-connect's bearer middleware makes for an Authorization header.
      await this.grants.createGrant(JSON.stringify({ access_token: token }));
    } catch {
      // Every claim it checks passed above and its key is cached: the signature is what failed.
      throw AuthError.invalidToken('signature');
    }
    const claims = claimsOf(payload);
    this.remember(hash, claims, header.kid!);

    return claims;
  }

  /** The realm's keys now, e.g. to warm the cache at start; failures propagate. */
  async refreshKeys(): Promise<void> {
    await this.fetchKeys();
  }

  /**
   * A token verified before, while it has not expired and the key that signed
   * it is still the realm's and fresh. Anything else goes through the whole
   * check again, which refuses it with the right reason.
   */
  private remembered(hash: string): KeycloakClaims | undefined {
    const entry = this.verified.get(hash);
    if (!entry) {
      return undefined;
    }
    const fresh = this.now() - this.loadedAt < this.options.jwksMaxAgeMs;
    if (entry.claims.expiresAt > this.now() && fresh && this.knownKids.has(entry.kid)) {
      return entry.claims;
    }
    this.verified.delete(hash);

    return undefined;
  }

  private remember(hash: string, claims: KeycloakClaims, kid: string): void {
    if (this.verified.size >= this.options.tokenCacheEntries) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) {
        this.verified.delete(oldest);
      }
    }
    this.verified.set(hash, { claims, kid });
  }

  private checkClaims(payload: JWTPayload & Record<string, unknown>): void {
    const nowSeconds = this.now() / 1000;
    if (payload.iss !== this.options.realmUrl) {
      throw AuthError.invalidToken('issuer');
    }
    if (payload.typ !== 'Bearer') {
      throw AuthError.invalidToken('not an access token');
    }
    if (typeof payload.exp !== 'number') {
      throw AuthError.invalidToken('claims missing');
    }
    // keycloak-connect allows no skew on exp; neither does this check, so the two agree.
    if (payload.exp <= nowSeconds) {
      throw AuthError.expiredToken();
    }
    if (
      payload.nbf !== undefined &&
      (typeof payload.nbf !== 'number' ||
        payload.nbf > nowSeconds + this.options.clockToleranceSeconds)
    ) {
      throw AuthError.invalidToken('not yet valid');
    }
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!audiences.includes(this.options.clientId) && payload.azp !== this.options.clientId) {
      throw AuthError.invalidToken('audience');
    }
  }

  /**
   * Makes sure the key the token names is cached. An unknown `kid` (the realm
   * rotated its keys) or keys past their age cause a fetch, at most once per
   * refresh interval; while the realm does not answer, the keys already held
   * keep working.
   */
  private async ensureKey(kid: string): Promise<void> {
    const stale = this.now() - this.loadedAt >= this.options.jwksMaxAgeMs;
    if (this.knownKids.has(kid) && !stale) {
      return;
    }
    if (this.fetching) {
      await this.fetching.catch(() => undefined);
    } else if (this.now() - this.lastFetchAt >= this.options.jwksRefreshMs) {
      this.logger.log({ kid, stale }, 'fetching realm signing keys');
      await this.fetchKeys().catch(() => undefined);
    }
    if (this.knownKids.has(kid)) {
      return;
    }
    if (this.knownKids.size === 0) {
      throw RequestError.unavailable('keycloak', Math.ceil(this.options.jwksRefreshMs / 1000));
    }
    throw AuthError.invalidToken('unknown signing key');
  }

  /** One fetch at a time; a failed one leaves the previous keys in place. */
  private fetchKeys(): Promise<void> {
    if (this.fetching) {
      return this.fetching;
    }
    this.lastFetchAt = this.now();
    const rotation = this.grants.rotation;
    const fetching = withTimeout(rotation.retrieveJWKs(), this.options.jwksTimeoutMs).then(
      (document) => {
        const keys = Array.isArray(document.keys) ? document.keys : [];
        rotation.jwks = keys;
        this.knownKids = new Set(
          keys.map((key) => key.kid).filter((kid): kid is string => typeof kid === 'string'),
        );
        this.loadedAt = this.now();
        this.logger.log({ kids: [...this.knownKids] }, 'realm signing keys loaded');
      },
    );
    this.fetching = fetching;
    void fetching
      .catch((error: unknown) => {
        this.logger.warn({ err: error }, 'realm signing keys could not be fetched');
      })
      .finally(() => {
        this.fetching = undefined;
      });

    return fetching;
  }
}

function decode(token: string): {
  header: ProtectedHeaderParameters;
  payload: JWTPayload & Record<string, unknown>;
} {
  let header: ProtectedHeaderParameters;
  let payload: JWTPayload;
  try {
    header = decodeProtectedHeader(token);
    payload = decodeJwt(token);
  } catch {
    throw AuthError.invalidToken('malformed');
  }
  // keycloak-connect verifies RSA-SHA256 whatever the header says; anything else is refused here.
  if (header.alg !== 'RS256') {
    throw AuthError.invalidToken('algorithm not allowed');
  }
  if (typeof header.kid !== 'string' || !header.kid) {
    throw AuthError.invalidToken('no key id');
  }

  return { header, payload: payload as JWTPayload & Record<string, unknown> };
}

function claimsOf(payload: JWTPayload & Record<string, unknown>): KeycloakClaims {
  const realmAccess = payload.realm_access as { roles?: unknown } | undefined;
  const roles = Array.isArray(realmAccess?.roles) ? realmAccess.roles : [];
  if (typeof payload.sub !== 'string' || !payload.sub) {
    throw AuthError.invalidToken('claims missing');
  }

  return {
    subject: payload.sub,
    email: typeof payload.email === 'string' ? payload.email : undefined,
    emailVerified: payload.email_verified === true,
    username:
      typeof payload.preferred_username === 'string' ? payload.preferred_username : undefined,
    realmRoles: roles.filter((role): role is string => typeof role === 'string'),
    sessionId: typeof payload.sid === 'string' ? payload.sid : '',
    expiresAt: (payload.exp as number) * 1000,
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });

  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
