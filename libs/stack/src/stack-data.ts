import Redis from 'ioredis';
import { connect } from 'nats';
import { Client } from 'pg';

import { ServerAddresses } from './check-servers';
import { DirectoryAccess, LOCAL_DIRECTORY, removeSubtree } from './directory-loader';

/**
 * Removes what a stack left on the shared servers: its databases
 * (`<prefix>_*`), its JetStream streams (`<PREFIX>_*`), its Redis keys
 * (`<prefix>:*`, the directory-sync queue's among them) and its subtree of the
 * directory (`ou=<prefix>,dc=example,dc=cn`, the demo organisation's people;
 * skipped when the directory server does not answer). For test stacks,
 * whose prefix is unique to one run; never call it with the dev prefix
 * unless the demo data is meant to go.
 */
export async function removeStackData(
  servers: ServerAddresses,
  prefix: string,
  directory: DirectoryAccess = LOCAL_DIRECTORY,
): Promise<void> {
  const client = new Client({ connectionString: servers.postgresUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1`,
      [`${prefix.replace(/_/g, '\\_')}\\_%`],
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
  const nats = await connect({ servers: servers.natsUrl, name: 'confer-stack-cleanup' });
  try {
    const manager = await nats.jetstreamManager();
    const streamPrefix = `${prefix}_`.toUpperCase();
    for await (const name of manager.streams.names()) {
      if (name.startsWith(streamPrefix)) {
        await manager.streams.delete(name);
      }
    }
  } finally {
    await nats.close();
  }
  await removeRedisKeys(servers.redisUrl, prefix);
  await removeSubtree(directory, `ou=${prefix},${directory.baseDn}`).catch(() => undefined);
}

/** How many keys one SCAN step looks at (a hint Redis may exceed); each step's keys go in one UNLINK. */
const SCAN_BATCH = 500;

/**
 * Deletes every Redis key of the prefix (`<prefix>:*`) and returns how many.
 * SCAN walks the keyspace in steps, so a shared Redis is never blocked the way
 * KEYS would block it; UNLINK frees the values in the background. The pattern
 * ends in `:`, so `confer` never matches `confer2:…`, and glob characters in
 * the prefix are escaped so they match only themselves.
 */
export async function removeRedisKeys(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  // A failure rejects the command that met it; without a listener ioredis would also print it.
  redis.on('error', () => undefined);
  let removed = 0;
  try {
    await redis.connect();
    const match = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}:*`;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', SCAN_BATCH);
      if (keys.length > 0) {
        removed += await redis.unlink(...keys);
      }
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }

  return removed;
}
