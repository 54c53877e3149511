import { ConferError } from '@confer/errors';

export class MailDomainError extends ConferError {
  static notFound(domain: string): MailDomainError {
    return new MailDomainError(
      'not_found',
      'mail.domain_not_found',
      `No mail server is set for ${domain}.`,
      { domain },
    );
  }

  /** Another organisation set this domain first; whose it is stays unsaid. */
  static taken(domain: string): MailDomainError {
    return new MailDomainError(
      'conflict',
      'mail.domain_taken',
      `The domain ${domain} is already configured by another organisation.`,
      { domain },
    );
  }

  static invalid(field: string, message: string): MailDomainError {
    return new MailDomainError('invalid', 'mail.domain_invalid', message, { field });
  }

  static forbidden(): MailDomainError {
    return new MailDomainError(
      'forbidden',
      'auth.forbidden',
      'Only organisation administrators may manage mail servers.',
    );
  }
}
