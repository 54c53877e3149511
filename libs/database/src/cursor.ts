import { ConferError } from '@confer/errors';

/**
 * What a cursor field holds. Every field is checked before it reaches SQL, so
 * a tampered cursor is a 400 and never a database error:
 * - `string`: well-formed Unicode without NUL (PostgreSQL text cannot hold it);
 * - `integer`: a whole number from 0 to Number.MAX_SAFE_INTEGER;
 * - `uuid`: a UUID in its canonical textual form;
 * - `timestamp`: an ISO 8601 date-time with a time zone (as `toISOString` writes).
 */
export type CursorFieldType = 'string' | 'integer' | 'uuid' | 'timestamp';

export type CursorPosition<T extends Record<string, CursorFieldType>> = {
  [F in keyof T]: T[F] extends 'integer' ? number : string;
};

/**
 * Opaque page cursors: the position a list stopped at, as base64url JSON.
 * Clients pass them back unchanged; a cursor that does not decode to the
 * expected shape is a 400, never a silent restart from the top.
 */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

export function decodeCursor<T extends Record<string, CursorFieldType>>(
  cursor: string,
  fields: T,
): CursorPosition<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidCursor();
  }
  const position: Record<string, string | number> = {};
  for (const [field, type] of Object.entries(fields)) {
    const value = (parsed as Record<string, unknown>)[field];
    if (!FIELD_CHECKS[type](value)) {
      throw invalidCursor();
    }
    position[field] = value as string | number;
  }

  return position as CursorPosition<T>;
}

/** The error every unusable cursor answers, also for checks a caller adds on the decoded fields. */
export function invalidCursor(): ConferError {
  return new ConferError('malformed', 'request.cursor_invalid', 'The page cursor is not valid.');
}

/** Clamp a requested page size to [1, max], with a default for 0 or absent. */
export function pageLimit(requested: number | undefined, fallback: number, max: number): number {
  if (!requested || requested < 1) {
    return fallback;
  }

  return Math.min(Math.floor(requested), max);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;

const FIELD_CHECKS: Record<CursorFieldType, (value: unknown) => boolean> = {
  string: (value) => typeof value === 'string' && isWellFormed(value) && !value.includes('\0'),
  integer: (value) => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0,
  uuid: (value) => typeof value === 'string' && UUID.test(value),
  timestamp: (value) =>
    typeof value === 'string' && ISO_TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value)),
};

/** String.prototype.isWellFormed (Node 20+): the compiler's lib level predates its typing. */
function isWellFormed(value: string): boolean {
  return (value as unknown as { isWellFormed(): boolean }).isWellFormed();
}
