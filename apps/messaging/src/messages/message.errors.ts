import { ConferError } from '@confer/errors';

/** Failures of message input, with stable codes. */
export class MessageError extends ConferError {
  static empty(): MessageError {
    return new MessageError('invalid', 'message.empty', 'The message has no text.');
  }

  static tooLarge(max: number): MessageError {
    return new MessageError(
      'too_large',
      'message.too_large',
      `A message has at most ${max} characters.`,
      {
        max,
      },
    );
  }

  /** PostgreSQL text cannot hold NUL, and an unpaired surrogate is not a character at all. */
  static textInvalid(): MessageError {
    return new MessageError(
      'invalid',
      'message.text_invalid',
      'The text must be well-formed Unicode without NUL characters.',
    );
  }

  static emojiInvalid(): MessageError {
    return new MessageError(
      'invalid',
      'message.emoji_invalid',
      'The emoji must be a :shortcode: or one emoji of at most 64 characters.',
    );
  }

  static clientIdInvalid(): MessageError {
    return new MessageError(
      'invalid',
      'message.client_id_invalid',
      'clientMessageId must be 1 to 64 characters of A-Z, a-z, 0-9, ., _, : and -.',
    );
  }

  static kindInvalid(kind: string): MessageError {
    return new MessageError('invalid', 'message.kind_invalid', 'Unknown message kind.', { kind });
  }
}
