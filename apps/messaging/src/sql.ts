import { EntityManager } from 'typeorm';

/**
 * Runs an UPDATE ... RETURNING and gives its rows. TypeORM answers UPDATE and
 * DELETE with [rows, rowCount] instead of the rows themselves.
 */
export async function updateReturning<T>(
  manager: EntityManager,
  sql: string,
  parameters: unknown[],
): Promise<T[]> {
  const [rows] = (await manager.query(sql, parameters)) as [T[], number];

  return rows;
}
