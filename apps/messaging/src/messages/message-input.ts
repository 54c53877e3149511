import { messaging } from '@confer/proto';

import { isStorableText } from '../storable-text';
import { MessageError } from './message.errors';

export const MAX_TEXT_CODE_POINTS = 10_000;
export const MAX_EMOJI_CODE_POINTS = 64;

// The set the API documents: device prefixes such as `device.1:<uuid>` are common.
const CLIENT_MESSAGE_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const SHORTCODE = /^:[a-z0-9_+-]+:$/;
// Built at run time: the `v` flag (needed for RGI_Emoji, which covers ZWJ and
// skin-tone sequences) is newer than the language level the compiler targets.
const ONE_EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v');

export type MessageKindName = 'text' | 'emoji';

/** A send request that passed every check that needs no database. */
export interface MessageInput {
  clientMessageId: string;
  kind: MessageKindName;
  text: string | null;
  emoji: string | null;
}

/**
 * Checks a send request's content. Runs before the request is queued, so a bad
 * request never reaches (or holds up) a write batch.
 */
export function validateMessageInput(request: messaging.SendMessageRequest): MessageInput {
  const clientMessageId = request.clientMessageId ?? '';
  if (!CLIENT_MESSAGE_ID.test(clientMessageId)) {
    throw MessageError.clientIdInvalid();
  }
  const kind = messageKind(request);
  if (kind === 'emoji') {
    const emoji = request.emoji ?? '';
    const valid =
      codePoints(emoji) <= MAX_EMOJI_CODE_POINTS &&
      (SHORTCODE.test(emoji) || ONE_EMOJI.test(emoji));
    if (!valid) {
      throw MessageError.emojiInvalid();
    }

    return { clientMessageId, kind, text: null, emoji };
  }
  const text = request.text ?? '';
  if (!isStorableText(text)) {
    throw MessageError.textInvalid();
  }
  if (text.trim().length === 0) {
    throw MessageError.empty();
  }
  if (codePoints(text) > MAX_TEXT_CODE_POINTS) {
    throw MessageError.tooLarge(MAX_TEXT_CODE_POINTS);
  }

  return { clientMessageId, kind, text, emoji: null };
}

/** An unspecified kind means text, unless only an emoji was given. */
function messageKind(request: messaging.SendMessageRequest): MessageKindName {
  switch (request.kind) {
    case messaging.MessageKind.MESSAGE_KIND_TEXT:
      return 'text';
    case messaging.MessageKind.MESSAGE_KIND_EMOJI:
      return 'emoji';
    case messaging.MessageKind.MESSAGE_KIND_UNSPECIFIED:
    case undefined:
      return request.emoji && !request.text ? 'emoji' : 'text';
    default:
      throw MessageError.kindInvalid(String(request.kind));
  }
}

/** Length as people count it: code points, not UTF-16 units. */
function codePoints(value: string): number {
  let count = 0;
  for (const _ of value) {
    count += 1;
  }

  return count;
}
