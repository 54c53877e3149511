import { Client } from 'pg';

const DUPLICATE_DATABASE = '42P04';
const UNIQUE_VIOLATION = '23505';

/** The server URL with its path replaced by the given database. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;

  return url.toString();
}

/**
 * Creates the app's database when it does not exist yet. Two replicas racing
 * to create it both succeed: the loser sees the duplicate and moves on.
 */
export async function ensureDatabase(serverUrl: string, database: string): Promise<boolean> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (existing.rowCount) {
      return false;
    }
    // Identifiers cannot be bound as parameters; the name was validated by
    // configuration as a plain lower-case identifier.
    await client.query(`CREATE DATABASE "${database}"`);

    return true;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === DUPLICATE_DATABASE || code === UNIQUE_VIOLATION) {
      return false;
    }
    throw error;
  } finally {
    await client.end();
  }
}
