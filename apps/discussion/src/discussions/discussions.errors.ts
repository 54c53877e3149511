import { ConferError } from '@confer/errors';

export class DiscussionError extends ConferError {
  static notFound(discussionId: string): DiscussionError {
    return new DiscussionError('not_found', 'discussion.not_found', 'No such discussion.', {
      discussionId,
    });
  }

  static invalid(field: string, message: string): DiscussionError {
    return new DiscussionError('invalid', 'discussion.invalid', message, { field });
  }
}
