/**
 * What went wrong, in terms a transport can map: each kind has one HTTP status
 * and one gRPC status. Features pick the kind; filters do the mapping.
 */
export type ErrorKind =
  | 'malformed'
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'gone'
  | 'too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

export const HTTP_STATUS_BY_KIND: Record<ErrorKind, number> = {
  malformed: 400,
  invalid: 422,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  // Existed and is over for good (an expired challenge); asking again cannot succeed.
  gone: 410,
  too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export type ErrorDetails = Record<string, unknown>;

/**
 * A failure the caller can act on: a stable dotted code (`message.too_large`),
 * a sentence for people, and optional machine-readable details. Feature error
 * classes extend it; nothing branches on the message text.
 */
export class ConferError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetails,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }

  get httpStatus(): number {
    return HTTP_STATUS_BY_KIND[this.kind];
  }
}

export function isConferError(error: unknown): error is ConferError {
  return error instanceof ConferError;
}
