/** What a passed second factor earns: the session's fresh tokens, the same grant a login gives. */
export interface PassedSessionGrant {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
  userId: string;
  orgId: string;
  sessionId: string;
  secondFactor: string;
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

/**
 * The device name a request shows: the one sent with it, else the one its
 * session signed in with, else `fallback`.
 */
export async function deviceNameOf(
  sessions: SecondFactorSessions,
  origin: { userId: string; sessionId: string; deviceName: string },
  fallback: string,
): Promise<string> {
  const sent = origin.deviceName.trim();
  if (sent) {
    return sent;
  }
  const session = await sessions.findLive(origin.userId, origin.sessionId);

  return session?.deviceName.trim() || fallback;
}
