import { ConferError } from '@confer/errors';

/** Refusals that come from someone's blacklist, with stable codes. */
export class BlockedError extends ConferError {
  /** A private message from a person the other member has blocked. */
  static message(conversationId: string): BlockedError {
    return new BlockedError(
      'forbidden',
      'message.blocked',
      'This person does not accept your messages.',
      { conversationId },
    );
  }

  /** A new private chat with, or a group adding, someone who blocked the caller. */
  static conversation(userIds: string[]): BlockedError {
    return new BlockedError(
      'forbidden',
      'conversation.blocked',
      'Some of these people do not accept conversations with you.',
      { userIds },
    );
  }
}
