import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** One lock key per database: replicas and the migration Job never migrate at once. */
const MIGRATION_LOCK_KEY = 7_150_216;

/**
 * Runs pending migrations, each in its own transaction, while holding a
 * session advisory lock so concurrent starters wait instead of racing.
 * Returns the names applied.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const logger = new Logger('Migrations');
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length > 0) {
      logger.log({ migrations: applied.map((m) => m.name) }, 'schema migrated');
    }

    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}

/** The newest migration recorded as applied, or an empty string. */
export async function schemaVersion(dataSource: DataSource): Promise<string> {
  const table = dataSource.options.migrationsTableName ?? 'migrations';
  const rows: { name: string }[] = await dataSource.query(
    `SELECT name FROM "${table}" ORDER BY "timestamp" DESC LIMIT 1`,
  );

  return rows[0]?.name ?? '';
}
