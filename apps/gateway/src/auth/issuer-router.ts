import { createHash } from 'node:crypto';

import { decodeJwt } from 'jose';

import { AuthError } from '@confer/errors';

import { TokenVerifier, VerifiedToken } from './token-verifier';

/** A verifier for the tokens of one outside issuer, named by its `iss`. */
export interface IssuerRoute {
  issuer: string;
  verifier: TokenVerifier;
}

export interface IssuerRouterOptions {
  /** Built-in tokens remembered after verification (by hash, until they expire). */
  builtInCacheEntries: number;
  now?: () => number;
}

/**
 * Sends each token to the one verifier that can check it, chosen by the
 * token's (unverified) `iss`: the configured Keycloak realm, or otherwise the
 * built-in issuer. The choice only routes; the chosen verifier checks `iss`
 * again with the signature, and no token is ever verified twice.
 *
 * A built-in token verified once is remembered by its SHA-256 until it
 * expires (bounded, oldest first out): a client sends the same token with
 * every request, and the RSA check is most of a request's authentication
 * cost. Verification is therefore a function of the token alone; checks of
 * the session's current state (ended sessions, an owed second factor) run
 * after it, in the session gate, on every request. The Keycloak adapter keeps
 * its own such memory, tied to the realm's key set.
 */
export class IssuerRouter implements TokenVerifier {
  private readonly routes: ReadonlyMap<string, TokenVerifier>;
  private readonly remembered = new Map<string, VerifiedToken>();
  private readonly now: () => number;

  constructor(
    private readonly builtIn: TokenVerifier,
    routes: readonly IssuerRoute[],
    private readonly options: IssuerRouterOptions,
  ) {
    this.routes = new Map(routes.map((route) => [route.issuer, route.verifier]));
    this.now = options.now ?? Date.now;
  }

  async verify(token: string): Promise<VerifiedToken> {
    const verifier = this.routes.size === 0 ? undefined : this.routeOf(token);
    if (verifier) {
      return verifier.verify(token);
    }
    const hash = createHash('sha256').update(token).digest('base64');
    const known = this.remembered.get(hash);
    if (known && known.expiresAt > this.now()) {
      return { ...known };
    }
    this.remembered.delete(hash);
    const verified = await this.builtIn.verify(token);
    this.remember(hash, verified);

    return verified;
  }

  /** The outside issuer's verifier for this token, or undefined for the built-in issuer. */
  private routeOf(token: string): TokenVerifier | undefined {
    let issuer: unknown;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw AuthError.invalidToken('malformed');
    }

    return typeof issuer === 'string' ? this.routes.get(issuer) : undefined;
  }

  private remember(hash: string, verified: VerifiedToken): void {
    if (this.remembered.size >= this.options.builtInCacheEntries) {
      const oldest = this.remembered.keys().next().value;
      if (oldest !== undefined) {
        this.remembered.delete(oldest);
      }
    }
    this.remembered.set(hash, verified);
  }
}
