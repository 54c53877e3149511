import { Logger } from '@nestjs/common';
import {
  createLocalJWKSet,
  decodeProtectedHeader,
  errors,
  JWTPayload,
  jwtVerify,
  ProtectedHeaderParameters,
} from 'jose';

import { AuthError } from '@confer/errors';

import { JwksSource } from './jwks-source';
import { TokenVerifier, VerifiedToken } from './token-verifier';

export interface BuiltInVerifierOptions {
  clockToleranceSeconds: number;
  /** Shortest time between two refreshes triggered by an unknown key id. */
  refreshIntervalMs: number;
}

interface LoadedKeys {
  keySet: ReturnType<typeof createLocalJWKSet>;
  kids: Set<string>;
  issuer: string;
  audience: string;
}

/**
 * Verifies RS256 access tokens of the built-in issuer (auth-2fa) against its
 * JWK Set, cached in memory. A token signed with a key id the cache does not
 * know triggers a refresh (the issuer rotated its key), at most once per
 * refresh interval so a flood of forged kids cannot hammer auth-2fa.
 */
export class BuiltInTokenVerifier implements TokenVerifier {
  private readonly logger = new Logger(BuiltInTokenVerifier.name);
  private keys?: Promise<LoadedKeys>;
  private lastLoadAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly source: JwksSource,
    private readonly options: BuiltInVerifierOptions,
    private readonly now: () => number = Date.now,
  ) {}

  async verify(token: string): Promise<VerifiedToken> {
    const header = protectedHeader(token);
    let keys = await this.currentKeys();
    if (header.kid && !keys.kids.has(header.kid) && this.mayRefresh()) {
      this.logger.log({ kid: header.kid }, 'unknown signing key; refreshing issuer keys');
      keys = await this.load();
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys.keySet, {
        issuer: keys.issuer,
        audience: keys.audience,
        algorithms: ['RS256'],
        clockTolerance: this.options.clockToleranceSeconds,
        requiredClaims: ['exp', 'sub'],
        currentDate: new Date(this.now()),
      }));
    } catch (error) {
      throw toAuthError(error);
    }

    return claimsOf(payload);
  }

  private currentKeys(): Promise<LoadedKeys> {
    return this.keys ?? this.load();
  }

  private mayRefresh(): boolean {
    return this.now() - this.lastLoadAt >= this.options.refreshIntervalMs;
  }

  /** One load at a time; a failed load is forgotten so the next request tries again. */
  private load(): Promise<LoadedKeys> {
    this.lastLoadAt = this.now();
    const loading = this.source.fetch().then((issuerKeys) => ({
      keySet: createLocalJWKSet(issuerKeys.jwks as Parameters<typeof createLocalJWKSet>[0]),
      kids: new Set(
        issuerKeys.jwks.keys
          .map((key) => key.kid)
          .filter((kid): kid is string => typeof kid === 'string'),
      ),
      issuer: issuerKeys.issuer,
      audience: issuerKeys.audience,
    }));
    const previous = this.keys;
    this.keys = loading;
    loading.catch(() => {
      if (this.keys === loading) {
        this.keys = previous;
      }
    });

    return loading;
  }
}

function protectedHeader(token: string): ProtectedHeaderParameters {
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw AuthError.invalidToken('malformed');
  }
  if (header.alg !== 'RS256') {
    throw AuthError.invalidToken('algorithm not allowed');
  }

  return header;
}

function toAuthError(error: unknown): AuthError {
  if (error instanceof errors.JWTExpired) {
    return AuthError.expiredToken();
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return AuthError.invalidToken(`claim ${error.claim} rejected`);
  }
  if (error instanceof errors.JOSEError) {
    return AuthError.invalidToken(error.code);
  }

  return AuthError.invalidToken('unverifiable');
}

function claimsOf(payload: JWTPayload): VerifiedToken {
  const { sub, org, roles, sid, exp, mfa } = payload as JWTPayload & Record<string, unknown>;
  if (typeof sub !== 'string' || !sub || typeof org !== 'string' || !org) {
    throw AuthError.invalidToken('claims missing');
  }
  if (
    roles !== undefined &&
    !(Array.isArray(roles) && roles.every((role) => typeof role === 'string'))
  ) {
    throw AuthError.invalidToken('claims malformed');
  }
  // An owed factor the gateway does not know could not be enforced: such a token is refused.
  if (mfa !== undefined && mfa !== 'pending' && mfa !== 'enrol') {
    throw AuthError.invalidToken('claims malformed');
  }

  return {
    userId: sub,
    orgId: org,
    roles: (roles as string[] | undefined) ?? [],
    sessionId: typeof sid === 'string' ? sid : '',
    expiresAt: (exp as number) * 1000,
    issuer: 'confer',
    ...(mfa ? { mfa } : {}),
  };
}
