import { ConferError } from '@confer/errors';

/**
 * Opaque page cursors: the position a list stopped at, as base64url JSON.
 * Clients pass them back unchanged; a cursor that does not decode to the
 * expected shape is a 400, never a silent restart from the top.
 */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

export function decodeCursor<K extends string>(
  cursor: string,
  fields: Record<K, 'string' | 'number'>,
): Record<K, string | number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw invalidCursor();
  }
  for (const [field, type] of Object.entries(fields)) {
    if (typeof (parsed as Record<string, unknown>)[field] !== type) {
      throw invalidCursor();
    }
  }

  return parsed as Record<K, string | number>;
}

function invalidCursor(): ConferError {
  return new ConferError('malformed', 'request.cursor_invalid', 'The page cursor is not valid.');
}

/** Clamp a requested page size to [1, max], with a default for 0 or absent. */
export function pageLimit(requested: number | undefined, fallback: number, max: number): number {
  if (!requested || requested < 1) {
    return fallback;
  }

  return Math.min(Math.floor(requested), max);
}
