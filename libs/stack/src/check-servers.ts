import Redis from 'ioredis';
import { connect } from 'nats';
import { Client } from 'pg';

/** The shared servers a stack needs, by the variables that point at them. */
export interface ServerAddresses {
  postgresUrl: string;
  natsUrl: string;
  redisUrl: string;
}

/** How to start each server on a development machine (Debian packages, loopback only). */
export const START_COMMANDS = {
  postgres: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
  redis: 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no',
  nats:
    'start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- ' +
    '-a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server',
} as const;

const CHECK_TIMEOUT_MS = 3_000;

/**
 * Asks each server to answer and returns one line per server that does not:
 * which server, the variable that points to it, and how to start it. An
 * empty list means all answered.
 */
export async function checkServers(servers: ServerAddresses): Promise<string[]> {
  const results = await Promise.all([
    probe(
      () => checkPostgres(servers.postgresUrl),
      (reason) =>
        `PostgreSQL does not answer at POSTGRES_URL=${redact(servers.postgresUrl)} (${reason}); ` +
        `start it with: ${START_COMMANDS.postgres}`,
    ),
    probe(
      () => checkNats(servers.natsUrl),
      (reason) =>
        `NATS with JetStream does not answer at NATS_URL=${servers.natsUrl} (${reason}); ` +
        `start it with: ${START_COMMANDS.nats}`,
    ),
    probe(
      () => checkRedis(servers.redisUrl),
      (reason) =>
        `Redis does not answer at REDIS_URL=${redact(servers.redisUrl)} (${reason}); ` +
        `start it with: ${START_COMMANDS.redis}`,
    ),
  ]);

  return results.filter((line): line is string => line !== undefined);
}

async function probe(
  check: () => Promise<void>,
  describe: (reason: string) => string,
): Promise<string | undefined> {
  try {
    await withTimeout(check(), CHECK_TIMEOUT_MS);

    return undefined;
  } catch (error) {
    return describe(reasonOf(error));
  }
}

async function checkPostgres(url: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: CHECK_TIMEOUT_MS });
  // An unreachable server emits 'error' besides rejecting connect(); the rejection is what we report.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkNats(url: string): Promise<void> {
  const connection = await connect({
    servers: url,
    name: 'confer-server-check',
    reconnect: false,
    timeout: CHECK_TIMEOUT_MS,
  });
  try {
    // Fails when the server runs without JetStream, which every service needs for its events.
    const manager = await connection.jetstreamManager();
    await manager.getAccountInfo();
  } catch (error) {
    throw new Error(`JetStream is not enabled (${reasonOf(error)}); run nats-server with -js`, {
      cause: error,
    });
  } finally {
    await connection.close();
  }
}

async function checkRedis(url: string): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CHECK_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } finally {
    redis.disconnect();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });

  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function reasonOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;

    return typeof code === 'string' && !error.message.includes(code)
      ? `${code}: ${error.message}`
      : error.message;
  }

  return String(error);
}

/** Hides a password in a URL, so a printed line never shows one. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) {
      parsed.password = '***';
    }

    return parsed.toString();
  } catch {
    return url;
  }
}
