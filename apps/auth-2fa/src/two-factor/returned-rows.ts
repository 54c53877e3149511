/**
 * The rows of an `UPDATE ... RETURNING` or `DELETE ... RETURNING` sent through
 * TypeORM's `query()`: for those two commands its PostgreSQL driver answers
 * `[rows, affectedCount]` instead of the rows (INSERT and SELECT answer the
 * rows), so the answer's length would be 2 whatever was changed.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }

  return result as T[];
}
