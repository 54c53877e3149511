import { ConferError } from '@confer/errors';

export class UserError extends ConferError {
  static notFound(userId: string): UserError {
    return new UserError('not_found', 'user.not_found', 'No such user in your organisation.', {
      userId,
    });
  }

  static requestInProgress(): UserError {
    return new UserError(
      'conflict',
      'request.in_progress',
      'A request with this Idempotency-Key is still running; retry shortly.',
    );
  }
}
