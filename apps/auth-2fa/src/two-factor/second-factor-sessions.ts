/** What a passed second factor earns: the session's fresh tokens. */
export interface PassedSessionGrant {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
  userId: string;
  orgId: string;
}

/**
 * The part of the session store the second factor uses: which state a
 * session is in, and marking it passed (RFC 8176 method `otp` for a code,
 * `mca` for an approval on the bound app) with fresh tokens.
 */
export interface SecondFactorSessions {
  findLive(
    userId: string,
    sessionId: string,
  ): Promise<{ secondFactor: string; deviceName: string; ip: string } | undefined>;
  completeSecondFactor(sessionId: string, method: string): Promise<PassedSessionGrant>;
}

export const SECOND_FACTOR_SESSIONS = Symbol('SECOND_FACTOR_SESSIONS');
