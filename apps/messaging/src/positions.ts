import { RequestError } from '@confer/errors';

/**
 * A sequence number or stream position taken from a request (seq, since).
 * gRPC int64 arrive as JavaScript numbers: a value beyond 2^53 has already
 * lost precision, and one beyond PostgreSQL's bigint would fail in SQL, so
 * anything but a whole number from 0 to Number.MAX_SAFE_INTEGER is refused
 * here with 400 request.invalid naming the field. Absent means 0.
 */
export function requestPosition(value: number | undefined, field: string): number {
  const position = value ?? 0;
  if (!Number.isSafeInteger(position) || position < 0) {
    throw RequestError.invalid('The request has invalid fields.', {
      fields: { [field]: [`${field} must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}`] },
    });
  }

  return position;
}
