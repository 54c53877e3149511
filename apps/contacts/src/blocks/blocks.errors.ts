import { ConferError } from '@confer/errors';

export class BlockError extends ConferError {
  static self(): BlockError {
    return new BlockError('malformed', 'block.self', 'You cannot block yourself.');
  }
}
