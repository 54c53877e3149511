import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';

import { AUDIT_CONSUMER_PREFIX } from './audit-ingest.service';
import { AUDIT_OPTIONS, AuditOptions } from './audit.options';
import { AuditRepository } from './audit.repository';

const DAY_MS = 24 * 3600 * 1000;
/** Rows per delete: short transactions, so readers and the consumers are never held up long. */
const PRUNE_BATCH = 5_000;
/** Bounds one run; what is left goes in the next. */
const MAX_BATCHES_PER_RUN = 100;
/** Longer than any stream keeps events (7 days), so a forgotten id can never come back. */
const HANDLED_EVENTS_KEPT_DAYS = 30;
/** pg_try_advisory_xact_lock key: one replica prunes at a time ("audit" in ASCII). */
const PRUNE_LOCK_KEY = 0x6175646974;

/**
 * Deletes lines older than the retention period, on a timer in every replica;
 * a transaction-scoped advisory lock lets only one of them work at a time.
 * No Redis is needed for it, which auth-2fa's trail otherwise does not use.
 */
@Injectable()
export class AuditRetentionService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AuditRetentionService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: AuditRepository,
    @Inject(AUDIT_OPTIONS) private readonly options: AuditOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.runOnce(), this.options.pruneIntervalSeconds * 1000);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pruning pass; resolves to the number of lines deleted (0 when another replica holds the lock). */
  runOnce(now = new Date()): Promise<number> {
    if (!this.running) {
      this.running = this.prune(now)
        .catch((error: unknown) => {
          this.logger.error({ err: error }, 'audit pruning failed');

          return 0;
        })
        .finally(() => {
          this.running = undefined;
        });
    }

    return this.running;
  }

  private async prune(now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - this.options.retentionDays * DAY_MS);
    let deleted = 0;
    for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch += 1) {
      const count = await this.dataSource.transaction(async (manager) => {
        const [{ locked }] = (await manager.query(
          'SELECT pg_try_advisory_xact_lock($1) AS locked',
          [PRUNE_LOCK_KEY],
        )) as [{ locked: boolean }];
        if (!locked) {
          return -1;
        }
        if (batch === 0) {
          await this.repository.forgetHandledEvents(
            manager,
            AUDIT_CONSUMER_PREFIX,
            new Date(now.getTime() - HANDLED_EVENTS_KEPT_DAYS * DAY_MS),
          );
        }

        return this.repository.deleteOlderThan(manager, cutoff, PRUNE_BATCH);
      });
      if (count < 0) {
        break;
      }
      deleted += count;
      if (count < PRUNE_BATCH) {
        break;
      }
    }
    if (deleted > 0) {
      this.logger.log({ deleted, cutoff: cutoff.toISOString() }, 'audit lines pruned');
    }

    return deleted;
  }
}
