import { createHash } from 'node:crypto';

import { DiscussionError } from './discussions.errors';

export const MAX_TOPIC_LENGTH = 200;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 128;
/** Per call; messaging applies its own limit on a conversation's size. */
export const MAX_MEMBER_IDS = 1_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Control characters would corrupt lists and mail subjects a topic is shown in.
const CONTROL_CHARACTERS = /\p{Cc}/u;
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A topic of 1 to 200 characters (code points) once trimmed, with no control characters. */
export function validTopic(input: string): string {
  const topic = input.trim().normalize('NFC');
  const length = [...topic].length;
  if (length === 0 || length > MAX_TOPIC_LENGTH || CONTROL_CHARACTERS.test(topic)) {
    throw DiscussionError.invalid(
      'topic',
      `A topic must be 1 to ${MAX_TOPIC_LENGTH} printable characters.`,
    );
  }

  return topic;
}

/** Distinct, lower-cased user ids; anything that is not a UUID is refused, not dropped. */
export function validUserIds(field: string, ids: string[]): string[] {
  if (ids.length > MAX_MEMBER_IDS) {
    throw DiscussionError.invalid(field, `At most ${MAX_MEMBER_IDS} users per request.`);
  }
  if (!ids.every(isUuid)) {
    throw DiscussionError.invalid(field, 'User ids must be UUIDs.');
  }

  return [...new Set(ids.map((id) => id.toLowerCase()))];
}

/** An idempotency key is optional; when given, 1 to 128 printable ASCII characters. */
export function validIdempotencyKey(input: string): string | undefined {
  if (input === '') {
    return undefined;
  }
  if (input.length > MAX_IDEMPOTENCY_KEY_LENGTH || !PRINTABLE_ASCII.test(input)) {
    throw DiscussionError.invalid(
      'idempotencyKey',
      `An idempotency key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters.`,
    );
  }

  return input;
}

/**
 * The id a creator's keyed request gets, the same on every retry: if a
 * first attempt created the conversation in messaging but failed before
 * storing the discussion, the retry finds that conversation instead of
 * leaving it orphaned beside a new one. A name-based UUID (version 8, RFC 9562
 * section 5.8) from SHA-256 of the creator and the key.
 */
export function discussionIdFor(creatorId: string, idempotencyKey: string): string {
  const digest = createHash('sha256')
    .update(`confer.discussion\0${creatorId.toLowerCase()}\0${idempotencyKey}`)
    .digest();
  const bytes = Buffer.from(digest.subarray(0, 16));
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');

  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
