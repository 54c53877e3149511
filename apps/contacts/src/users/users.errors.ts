import { ConferError } from '@confer/errors';

export class UserError extends ConferError {
  static notFound(): UserError {
    return new UserError('not_found', 'user.not_found', 'No such user.');
  }

  static emailTaken(email: string): UserError {
    return new UserError('conflict', 'user.email_taken', 'This e-mail address is already in use.', {
      email,
    });
  }

  static invalid(field: string, message: string): UserError {
    return new UserError('invalid', 'user.invalid', message, { field });
  }

  static emailOutsideDomain(domain: string): UserError {
    return new UserError(
      'invalid',
      'user.email_outside_domain',
      "An organisation administrator may only add addresses in the organisation's mail domain.",
      { domain },
    );
  }

  static tooManyIds(max: number): UserError {
    return new UserError('invalid', 'user.too_many_ids', `At most ${max} users per request.`, {
      max,
    });
  }

  static forbidden(message: string): UserError {
    return new UserError('forbidden', 'user.forbidden', message);
  }
}
