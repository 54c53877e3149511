import { ConferError } from '@confer/errors';

export class MailCredentialsError extends ConferError {
  /** The domain's mail server did not answer in time or could not be reached: nothing was checked. */
  static serverUnavailable(domain: string, retryAfterSeconds: number): MailCredentialsError {
    return new MailCredentialsError(
      'unavailable',
      'mail.server_unavailable',
      'The mail server of this address is not answering; try again shortly.',
      { domain, retryAfterSeconds },
    );
  }

  static platformOnly(): MailCredentialsError {
    return new MailCredentialsError(
      'forbidden',
      'auth.forbidden',
      'Only the platform may check mail credentials.',
    );
  }
}
