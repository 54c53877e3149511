import { ConferError } from '@confer/errors';

/**
 * What a cursor field holds. Every field is checked before it reaches SQL, so
 * a tampered cursor is a 400 and never a database error:
 * - `string`: well-formed Unicode without NUL (PostgreSQL text cannot hold it);
 * - `integer`: a whole number from 0 to Number.MAX_SAFE_INTEGER;
 * - `uuid`: a UUID in its canonical textual form;
 * - `timestamp`: an ISO 8601 date-time with a time zone (as `toISOString` writes),
 *   naming a real calendar instant PostgreSQL can hold (no 30 February, no
 *   year 0, zone offsets within ±15:59).
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
const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?(?:Z|[+-](\d{2}):(\d{2}))$/;

const FIELD_CHECKS: Record<CursorFieldType, (value: unknown) => boolean> = {
  string: (value) => typeof value === 'string' && isWellFormed(value) && !value.includes('\0'),
  integer: (value) => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0,
  uuid: (value) => typeof value === 'string' && UUID.test(value),
  timestamp: (value) => typeof value === 'string' && isStorableTimestamp(value),
};

/**
 * Date.parse forgives what PostgreSQL refuses (it rolls 30 February over to
 * March), so each field is checked against the calendar itself.
 */
function isStorableTimestamp(value: string): boolean {
  const match = ISO_TIMESTAMP.exec(value);
  if (!match) {
    return false;
  }
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const [zoneHours, zoneMinutes] = [match[7], match[8]].map((part) => Number(part ?? 0));
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

  return (
    year >= 1 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    zoneHours <= 15 &&
    zoneMinutes <= 59
  );
}

/** String.prototype.isWellFormed (Node 20+): the compiler's lib level predates its typing. */
function isWellFormed(value: string): boolean {
  return (value as unknown as { isWellFormed(): boolean }).isWellFormed();
}
