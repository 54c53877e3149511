import { Logger } from '@nestjs/common';

import { AuthError } from '@confer/errors';

import { KeycloakAdapter, KeycloakClaims } from './keycloak-adapter';
import { UserLookup } from './keycloak-user-directory';
import { TokenVerifier, VerifiedToken } from './token-verifier';

/**
 * Accepts access tokens of the configured Keycloak realm as Confer callers:
 * the adapter verifies the token, the verified e-mail address names the
 * directory user, and the caller's roles are the directory's plus those the
 * configured map grants for the token's realm roles. The realm can add roles
 * (e.g. `org_admin` to its administrators) but not take away the directory's.
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

  /** verify(), also naming the realm's subject, for the exchange of the token for a session. */
  async verifyForExchange(token: string): Promise<{ caller: VerifiedToken; subject: string }> {
    const claims = await this.adapter.verify(token);

    return { caller: await this.toCaller(claims), subject: claims.subject };
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
      roles: conferRoles(user.roles, claims.realmRoles, this.roleMap),
      sessionId: claims.sessionId,
      expiresAt: claims.expiresAt,
      issuer: 'keycloak',
    };
  }
}

/** The directory's roles and the mapped realm roles, each once. */
export function conferRoles(
  directoryRoles: readonly string[],
  realmRoles: readonly string[],
  roleMap: ReadonlyMap<string, readonly string[]>,
): string[] {
  const roles = new Set<string>(directoryRoles);
  for (const realmRole of realmRoles) {
    for (const role of roleMap.get(realmRole) ?? []) {
      roles.add(role);
    }
  }

  return [...roles];
}
