import { Logger } from '@nestjs/common';
import { headers as natsHeaders, JetStreamClient } from 'nats';
import { Client } from 'pg';
import { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';

import { CORRELATION_HEADER } from '@confer/logging';

const relayed = new Counter({
  name: 'confer_outbox_relayed_total',
  help: 'Outbox events published to JetStream.',
});

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

export interface OutboxRelayOptions {
  batchSize?: number;
  /** How often to look when nobody said there is something new. */
  idlePollMs?: number;
  /** How often a standby asks whether the leader's lock is free. */
  standbyPollMs?: number;
  /** The advisory lock that elects one relay per database. */
  lockName?: string;
}

interface OutboxRow {
  id: string;
  subject: string;
  payload: object;
  correlation_id: string | null;
}

/**
 * Moves committed outbox rows to JetStream. One relay per database leads (an
 * advisory lock on its own connection, see LeaderConnection), so two relays
 * never publish the same page at once. The leader reads a page without locks
 * and outside any transaction, publishes it, then deletes the published ids
 * in one short statement: it never holds a transaction id while it waits for
 * JetStream, which would hold back every reader of the server's xmin horizon.
 * A crash between publishing and deleting republishes with the same
 * Nats-Msg-Id, which JetStream drops as a duplicate, so nothing is lost or
 * doubled.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly batchSize: number;
  private readonly idlePollMs: number;
  private readonly standbyPollMs: number;
  private readonly leader: LeaderConnection;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  /** Set by notify: a commit happened while a page was in flight, so look again at once. */
  private pending = false;
  private readonly encoder = new TextEncoder();

  constructor(
    dataSource: DataSource,
    private readonly jetstream: JetStreamClient,
    options: OutboxRelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.idlePollMs = options.idlePollMs ?? 250;
    this.standbyPollMs = options.standbyPollMs ?? 1_000;
    this.leader = new LeaderConnection(dataSource, options.lockName ?? 'confer.outbox-relay', {
      retreatMs: this.standbyPollMs * 2,
    });
  }

  /** Whether this relay currently holds the lock and publishes. */
  get leading(): boolean {
    return this.leader.leading;
  }

  start(): void {
    if (this.running) {
      return;
    }
    this.running = true;
    this.loop = this.run();
  }

  /** Called after a commit that wrote outbox rows, so they leave without waiting for the poll. */
  notify(): void {
    // A standby's next look is for the lock, not for rows: commits do not hurry it.
    if (this.leader.leading) {
      this.pending = true;
      this.wake?.();
    }
  }

  /** Stops after the page in flight and lets a standby take over at once. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.leader.drop({ retreat: false });
  }

  /** Publishes one page when this relay leads; returns how many rows it moved. */
  async relayBatch(): Promise<number> {
    if (!(await this.leader.acquire())) {
      return 0;
    }
    // Primary key (position): oldest first. A plain read takes no lock and no transaction id.
    const rows = await this.leader.query<OutboxRow>(
      'SELECT id, subject, payload, correlation_id FROM outbox ORDER BY position LIMIT $1',
      [this.batchSize],
    );
    if (rows.length === 0) {
      return 0;
    }
    await Promise.all(rows.map((row) => this.publish(row)));
    await this.leader.query('DELETE FROM outbox WHERE id = ANY($1::uuid[])', [
      rows.map((row) => row.id),
    ]);
    relayed.inc(rows.length);

    return rows.length;
  }

  private publish(row: OutboxRow): Promise<unknown> {
    const headers = natsHeaders();
    if (row.correlation_id) {
      headers.set(CORRELATION_HEADER, row.correlation_id);
    }

    return this.jetstream.publish(row.subject, this.encoder.encode(JSON.stringify(row.payload)), {
      msgID: row.id,
      headers,
    });
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        this.pending = false;
        const moved = await this.relayBatch();
        failures = 0;
        if (!this.leader.leading) {
          await this.sleep(this.standbyPollMs);
        } else if (moved < this.batchSize) {
          await this.sleep(this.idlePollMs, true);
        }
      } catch (error) {
        failures += 1;
        this.logger.warn({ err: error, failures }, 'outbox relay failed; retrying');
        await this.sleep(Math.min(100 * 2 ** failures, 5_000));
      }
    }
  }

  /** Waits `ms`, or until notify or stop; an idle wait ends at once when a commit came meanwhile. */
  private sleep(ms: number, idle = false): Promise<void> {
    if (idle && this.pending) {
      return Promise.resolve();
    }

    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
