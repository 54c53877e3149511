import { QueryFailedError } from 'typeorm';

const UNIQUE_VIOLATION = '23505';

/**
 * The unique index or constraint a failed write ran into, read from the
 * driver's structured fields (never from the message text); undefined for any
 * other failure.
 */
export function violatedUniqueConstraint(error: unknown): string | undefined {
  if (!(error instanceof QueryFailedError)) {
    return undefined;
  }
  const driverError = error.driverError as { code?: string; constraint?: string };

  return driverError.code === UNIQUE_VIOLATION ? driverError.constraint : undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else can name nothing, and must not reach a uuid cast. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
