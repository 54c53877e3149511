import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { PeriodicPruner } from '../pruning/periodic-pruner';
import { AUDIT_CONSUMER_PREFIX } from './audit-ingest.service';
import { AUDIT_OPTIONS, AuditOptions } from './audit.options';
import { AuditRepository } from './audit.repository';

const DAY_MS = 24 * 3600 * 1000;
/** Rows per delete: short transactions, so readers and the consumers are never held up long. */
const PRUNE_BATCH = 5_000;
/** Longer than any stream keeps events (7 days), so a forgotten id can never come back. */
const HANDLED_EVENTS_KEPT_DAYS = 30;
/** pg_try_advisory_xact_lock key: one replica prunes at a time ("audit" in ASCII). */
const PRUNE_LOCK_KEY = 0x6175646974;

/**
 * Deletes lines older than the retention period, on a timer in every replica;
 * a transaction-scoped advisory lock lets only one of them work at a time.
 * No Redis is needed for it, which auth-2fa's trail otherwise does not use.
 * runOnce resolves to the number of lines deleted (0 when another replica
 * holds the lock).
 */
@Injectable()
export class AuditRetentionService extends PeriodicPruner<number> {
  constructor(
    dataSource: DataSource,
    private readonly repository: AuditRepository,
    @Inject(AUDIT_OPTIONS) private readonly options: AuditOptions,
  ) {
    super(dataSource, {
      lockKey: PRUNE_LOCK_KEY,
      intervalSeconds: options.pruneIntervalSeconds,
      failureMessage: 'audit pruning failed',
      failed: 0,
    });
  }

  protected async prune(now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - this.options.retentionDays * DAY_MS);
    const deleted =
      (await this.deleteInLockedBatches(PRUNE_BATCH, async (manager, batch) => {
        if (batch === 0) {
          await this.repository.forgetHandledEvents(
            manager,
            AUDIT_CONSUMER_PREFIX,
            new Date(now.getTime() - HANDLED_EVENTS_KEPT_DAYS * DAY_MS),
          );
        }

        return this.repository.deleteOlderThan(manager, cutoff, PRUNE_BATCH);
      })) ?? 0;
    if (deleted > 0) {
      this.logger.log({ deleted, cutoff: cutoff.toISOString() }, 'audit lines pruned');
    }

    return deleted;
  }
}
