import { ConferError } from '@confer/errors';

import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './password-hasher';

export class CredentialError extends ConferError {
  static passwordInvalid(): CredentialError {
    return new CredentialError(
      'invalid',
      'auth.password_invalid',
      `A password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters.`,
      { minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH },
    );
  }

  static userNotFound(): CredentialError {
    return new CredentialError('not_found', 'user.not_found', 'No such user.');
  }

  static forbidden(): CredentialError {
    return new CredentialError(
      'forbidden',
      'auth.forbidden',
      "Only an administrator of the user's organisation may set a password.",
    );
  }
}
