import { ConferError } from '@confer/errors';

export class SessionError extends ConferError {
  /** Not a refresh token we issued (or one of a session long gone). */
  static refreshInvalid(): SessionError {
    return new SessionError(
      'unauthenticated',
      'auth.refresh_invalid',
      'The refresh token is not valid; sign in again.',
    );
  }

  static refreshExpired(): SessionError {
    return new SessionError(
      'unauthenticated',
      'auth.refresh_expired',
      'The refresh token has expired; sign in again.',
    );
  }

  /** A used refresh token came back: it may be stolen, so the whole session was ended. */
  static refreshReused(): SessionError {
    return new SessionError(
      'unauthenticated',
      'auth.refresh_reused',
      'The refresh token was already used; the session has been ended for safety. Sign in again.',
    );
  }

  static sessionEnded(): SessionError {
    return new SessionError(
      'unauthenticated',
      'auth.session_ended',
      'The session has ended; sign in again.',
    );
  }

  static notFound(): SessionError {
    return new SessionError('not_found', 'session.not_found', 'No such session.');
  }

  static secondFactorNotPending(): SessionError {
    return new SessionError(
      'conflict',
      'session.second_factor_not_pending',
      'The session does not owe a second factor.',
    );
  }

  static platformOnly(): SessionError {
    return new SessionError(
      'forbidden',
      'auth.forbidden',
      'Only the platform may complete a second factor.',
    );
  }
}
