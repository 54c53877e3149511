import { auth, twoFactor } from '@confer/proto';

import { TokenGrantDto } from './auth.dto';

/**
 * A grant as the client sees it, whichever way the session got it: login,
 * refresh and SSO answer a TokenGrant, a passed second factor the same fields
 * plus the trusted device it may have created.
 */
export function toTokenGrantDto(
  grant: auth.TokenGrant | twoFactor.SecondFactorGrant,
): TokenGrantDto {
  const trusted = 'trustedDeviceToken' in grant && grant.trustedDeviceToken ? grant : undefined;

  return {
    accessToken: grant.accessToken,
    tokenType: grant.tokenType || 'Bearer',
    expiresIn: grant.expiresIn,
    userId: grant.userId,
    orgId: grant.orgId,
    refreshToken: grant.refreshToken,
    refreshExpiresIn: grant.refreshExpiresIn,
    sessionId: grant.sessionId,
    secondFactor: grant.secondFactor,
    ...(trusted
      ? { trustedDeviceToken: trusted.trustedDeviceToken, trustedDeviceId: trusted.trustedDeviceId }
      : {}),
  };
}
