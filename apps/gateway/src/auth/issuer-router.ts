import { decodeJwt } from 'jose';

import { AuthError } from '@confer/errors';

import { TokenVerifier, VerifiedToken } from './token-verifier';

/** A verifier for the tokens of one outside issuer, named by its `iss`. */
export interface IssuerRoute {
  issuer: string;
  verifier: TokenVerifier;
}

/**
 * Sends each token to the one verifier that can check it, chosen by the
 * token's (unverified) `iss`: the configured Keycloak realm, or otherwise the
 * built-in issuer. The choice only routes; the chosen verifier checks `iss`
 * again with the signature, and no token is ever verified twice.
 */
export class IssuerRouter implements TokenVerifier {
  private readonly routes: ReadonlyMap<string, TokenVerifier>;

  constructor(
    private readonly builtIn: TokenVerifier,
    routes: readonly IssuerRoute[],
  ) {
    this.routes = new Map(routes.map((route) => [route.issuer, route.verifier]));
  }

  verify(token: string): Promise<VerifiedToken> {
    if (this.routes.size === 0) {
      return this.builtIn.verify(token);
    }
    let issuer: unknown;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      return Promise.reject(AuthError.invalidToken('malformed'));
    }
    const verifier = typeof issuer === 'string' ? this.routes.get(issuer) : undefined;

    return (verifier ?? this.builtIn).verify(token);
  }
}
