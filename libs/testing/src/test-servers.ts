import { randomBytes } from 'node:crypto';

import { Client } from 'pg';

/**
 * Where tests find the real servers: the same variables the apps read, with
 * the local standard ports as defaults. Tests never read process.env elsewhere.
 */
export interface TestServers {
  postgresUrl: string;
  natsUrl: string;
  redisUrl: string;
}

export function testServers(env: Record<string, string | undefined> = process.env): TestServers {
  return {
    postgresUrl: env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4222',
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
}

/** A database name no other test run uses, so runs on one server never collide. */
export function uniqueDatabaseName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`.toLowerCase();
}

/** A subject or stream token unique to this run. */
export function uniqueToken(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

export async function dropDatabase(postgresUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
