import { Logger } from '@nestjs/common';
import { headers as natsHeaders, JetStreamClient } from 'nats';
import { Counter } from 'prom-client';
import { DataSource } from 'typeorm';

import { CORRELATION_HEADER } from '@confer/logging';

const relayed = new Counter({
  name: 'confer_outbox_relayed_total',
  help: 'Outbox events published to JetStream.',
});

export interface OutboxRelayOptions {
  batchSize?: number;
  /** How often to look when nobody said there is something new. */
  idlePollMs?: number;
}

interface OutboxRow {
  id: string;
  subject: string;
  payload: object;
  correlation_id: string | null;
}

/**
 * Moves committed outbox rows to JetStream. Rows are locked while being
 * published and deleted in the same transaction once JetStream acknowledged
 * them; a crash in between republishes them with the same Nats-Msg-Id, which
 * JetStream drops as duplicates, so nothing is lost or doubled.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly batchSize: number;
  private readonly idlePollMs: number;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private readonly encoder = new TextEncoder();

  constructor(
    private readonly dataSource: DataSource,
    private readonly jetstream: JetStreamClient,
    options: OutboxRelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.idlePollMs = options.idlePollMs ?? 250;
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
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Publishes one batch; returns how many rows it moved. */
  async relayBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: OutboxRow[] = await manager.query(
        `SELECT id, subject, payload, correlation_id FROM outbox
         ORDER BY position LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.batchSize],
      );
      if (rows.length === 0) {
        return 0;
      }
      await Promise.all(
        rows.map((row) => {
          const headers = natsHeaders();
          if (row.correlation_id) {
            headers.set(CORRELATION_HEADER, row.correlation_id);
          }

          return this.jetstream.publish(row.subject, this.encoder.encode(JSON.stringify(row.payload)), {
            msgID: row.id,
            headers,
          });
        }),
      );
      await manager.query('DELETE FROM outbox WHERE id = ANY($1::uuid[])', [rows.map((r) => r.id)]);
      relayed.inc(rows.length);

      return rows.length;
    });
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const moved = await this.relayBatch();
        failures = 0;
        if (moved < this.batchSize) {
          await this.sleep(this.idlePollMs);
        }
      } catch (error) {
        failures += 1;
        this.logger.warn({ err: error, failures }, 'outbox relay failed; retrying');
        await this.sleep(Math.min(100 * 2 ** failures, 5_000));
      }
    }
  }

  private sleep(ms: number): Promise<void> {
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
