/** What a verified access token says about its bearer. */
export interface VerifiedToken {
  userId: string;
  orgId: string;
  roles: string[];
  /** The login session the token belongs to (signing out ends it). */
  sessionId: string;
  /** Expiry, in milliseconds since the epoch. */
  expiresAt: number;
  /**
   * Who signed it: Confer's own issuer (auth-2fa), or the configured Keycloak
   * realm. A Keycloak token's sessionId is Keycloak's session, not a Confer one.
   */
  issuer: 'confer' | 'keycloak';
  /**
   * What the session still owes before it may use the API: `pending` (its
   * second factor) or `enrol` (enrolment first, the organisation requires a
   * second factor). Absent when it owes nothing.
   */
  mfa?: 'pending' | 'enrol';
}

/**
 * Turns a bearer token into its verified claims, or throws an AuthError
 * (auth.token_invalid, auth.token_expired). One implementation per issuer:
 * the built-in issuer now, Keycloak later, chosen in the auth module.
 */
export interface TokenVerifier {
  verify(token: string): Promise<VerifiedToken>;
}

export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');

/**
 * The step after verification that may still refuse a valid token: the
 * second-factor gate (a session that has not passed 2FA yet reaches only the
 * 2FA endpoints). Throws an AuthError to refuse.
 */
export interface SessionGate {
  admit(token: VerifiedToken, route: { path: string; method: string }): Promise<void>;
}

export const SESSION_GATE = Symbol('SESSION_GATE');

/** Admits every verified session: no second factor is enforced yet. */
export class OpenSessionGate implements SessionGate {
  async admit(): Promise<void> {
    // Deliberately empty until auth-2fa can say whether a session still owes its second factor.
  }
}
