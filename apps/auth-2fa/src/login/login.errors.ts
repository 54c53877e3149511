import { ConferError } from '@confer/errors';

export class LoginError extends ConferError {
  /** Too many failed logins for this address or from this address: wait, then try again. */
  static tooManyAttempts(retryAfterSeconds: number): LoginError {
    return new LoginError(
      'rate_limited',
      'auth.too_many_attempts',
      'Too many failed sign-in attempts; wait before trying again.',
      { retryAfterSeconds },
    );
  }
}
