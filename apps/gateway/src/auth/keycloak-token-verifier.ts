import { Logger } from '@nestjs/common';

import { AuthError } from '@confer/errors';

import { KeycloakAdapter, KeycloakClaims } from './keycloak-adapter';
import { UserLookup } from './keycloak-user-directory';
import { TokenVerifier, VerifiedToken } from './token-verifier';

/**
 * Accepts access tokens of the configured Keycloak realm as Confer callers:
 * the adapter verifies the token, the verified e-mail address names the
 * directory user, and realm roles become Confer roles through the configured
 * map. The realm decides roles: a directory role the map does not grant is not
 * carried, so taking a role away in Keycloak takes it away in Confer.
 */
export class KeycloakTokenVerifier implements TokenVerifier {
  private readonly logger = new Logger(KeycloakTokenVerifier.name);

  constructor(
    private readonly adapter: KeycloakAdapter,
    private readonly users: UserLookup,
    private readonly roleMap: ReadonlyMap<string, readonly string[]>,
  ) {}

  /** The realm URL: the `iss` of the tokens this verifier takes. */
  get issuer(): string {
    return this.adapter.realmUrl;
  }

  async verify(token: string): Promise<VerifiedToken> {
    const claims = await this.adapter.verify(token);

    return this.toCaller(claims);
  }

  /** The directory user and Confer roles of verified claims; refuses unknown or disabled users. */
  async toCaller(claims: KeycloakClaims): Promise<VerifiedToken> {
    if (!claims.email || !claims.emailVerified) {
      this.logger.log({ subject: claims.subject }, 'keycloak token without a verified address');
      throw AuthError.unknownUser();
    }
    const user = await this.users.findByEmail(claims.email);
    if (!user?.active) {
      const reason = user ? 'disabled' : 'not in the directory';
      this.logger.log(
        { subject: claims.subject, userId: user?.id, reason },
        'keycloak user refused',
      );
      throw AuthError.unknownUser();
    }

    return {
      userId: user.id,
      orgId: user.orgId,
      roles: conferRoles(claims.realmRoles, this.roleMap),
      sessionId: claims.sessionId,
      expiresAt: claims.expiresAt,
      issuer: 'keycloak',
    };
  }
}

export function conferRoles(
  realmRoles: readonly string[],
  roleMap: ReadonlyMap<string, readonly string[]>,
): string[] {
  const roles = new Set<string>();
  for (const realmRole of realmRoles) {
    for (const role of roleMap.get(realmRole) ?? []) {
      roles.add(role);
    }
  }

  return [...roles];
}
