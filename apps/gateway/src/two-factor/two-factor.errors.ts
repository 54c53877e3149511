import { ConferError } from '@confer/errors';

/** What the gateway itself refuses on the two-factor API, before asking auth-2fa. */
export class TwoFactorHttpError extends ConferError {
  /**
   * A token from the organisation's Keycloak realm: its session is Keycloak's,
   * which does its own second factor; Confer's applies to Confer sessions only
   * (auth-2fa answers the same code for a session id it cannot keep).
   */
  static sessionNotSupported(): TwoFactorHttpError {
    return new TwoFactorHttpError(
      'forbidden',
      'two_factor.session_not_supported',
      'Two-factor sign-in applies to Confer sign-ins; this session comes from another identity provider, which handles its own second factor.',
    );
  }
}
