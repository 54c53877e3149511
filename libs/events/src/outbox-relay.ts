import { Logger } from '@nestjs/common';
import { headers as natsHeaders, JetStreamClient } from 'nats';
import { Counter } from 'prom-client';
import { DataSource } from 'typeorm';

import { CORRELATION_HEADER } from '@confer/logging';

import { LeaderConnection } from './leader-connection';
import { WakeSignal } from './wake-signal';

const relayed = new Counter({
  name: 'confer_outbox_relayed_total',
  help: 'Outbox events published to JetStream.',
});

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
  private readonly signal = new WakeSignal();
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
      this.signal.notify();
    }
  }

  /** Stops after the page in flight and lets a standby take over at once. */
  async stop(): Promise<void> {
    this.running = false;
    this.signal.interrupt();
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
        this.signal.beginRound();
        const moved = await this.relayBatch();
        failures = 0;
        if (!this.leader.leading) {
          await this.signal.sleep(this.standbyPollMs);
        } else if (moved < this.batchSize) {
          await this.signal.sleep(this.idlePollMs, { idle: true });
        }
      } catch (error) {
        failures += 1;
        this.logger.warn({ err: error, failures }, 'outbox relay failed; retrying');
        await this.signal.sleep(Math.min(100 * 2 ** failures, 5_000));
      }
    }
  }
}
