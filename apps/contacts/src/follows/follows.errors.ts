import { ConferError } from '@confer/errors';

export class FollowError extends ConferError {
  static self(): FollowError {
    return new FollowError('malformed', 'follow.self', 'You cannot follow yourself.');
  }
}
