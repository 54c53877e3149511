import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';

export interface LeaderConnectionOptions {
  /**
   * After losing the lock, how long this instance waits before trying again,
   * so that a healthy standby takes over instead of the one that just failed.
   */
  retreatMs?: number;
}

/**
 * Leadership by a session advisory lock held on a connection of its own,
 * outside the pool: the instance holding it does the work, the others ask
 * again now and then. The lock lives exactly as long as that connection, so a
 * leader whose connection dies (crash, network, pg_terminate_backend) loses
 * it at once. The leader runs its reads on this connection, so once it has
 * lost the lock it cannot read another page. Advisory locks are per
 * database: each service's database has its own leaders.
 */
export class LeaderConnection {
  private client?: Client;
  private broken = false;
  private retreatUntil = 0;
  private readonly retreatMs: number;

  constructor(
    private readonly dataSource: DataSource,
    /** The lock's name (hashed to its key), also the connection's application_name. */
    readonly name: string,
    options: LeaderConnectionOptions = {},
  ) {
    this.retreatMs = options.retreatMs ?? 2_000;
  }

  get leading(): boolean {
    return this.client !== undefined && !this.broken;
  }

  /** The lock's connection when this instance leads (taking the lock if it is free), else undefined. */
  async acquire(): Promise<Client | undefined> {
    if (this.leading) {
      return this.client;
    }
    if (this.client) {
      await this.drop();
    }
    if (Date.now() < this.retreatUntil) {
      return undefined;
    }
    const options = this.dataSource.options as PostgresConnectionOptions;
    const client = new Client({
      connectionString: options.url,
      host: options.host,
      port: options.port,
      user: options.username,
      password: typeof options.password === 'string' ? options.password : undefined,
      database: options.database,
      application_name: this.name,
    });
    // Without a listener a dying connection would throw from the event emitter.
    client.on('error', () => {
      this.broken = true;
    });
    try {
      await client.connect();
      const { rows } = await client.query<{ held: boolean }>(
        'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS held',
        [this.name],
      );
      if (!rows[0].held) {
        await client.end();

        return undefined;
      }
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.client = client;
    this.broken = false;

    return client;
  }

  /**
   * Runs a statement on the lock's connection, outside any transaction. A
   * failure may mean the connection (and with it the lock) is gone, so the
   * connection is given up and the next acquire starts over.
   */
  async query<R>(sql: string, parameters: unknown[] = []): Promise<R[]> {
    const client = this.client;
    if (!client || this.broken) {
      throw new Error(`not the leader of ${this.name}`);
    }
    try {
      return (await client.query(sql, parameters)).rows as R[];
    } catch (error) {
      await this.drop();
      throw error;
    }
  }

  /**
   * Gives up the connection and with it the lock: after a failed query on it
   * (the connection may be dead) and at shutdown.
   */
  async drop(options: { retreat?: boolean } = { retreat: true }): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.broken = false;
    if (client && options.retreat) {
      this.retreatUntil = Date.now() + this.retreatMs;
    }
    await client?.end().catch(() => undefined);
  }
}
