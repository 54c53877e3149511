import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { PeriodicPruner } from '../pruning/periodic-pruner';
import { TWO_FACTOR_SETTINGS, TwoFactorSettings } from './two-factor.settings';

/** Rows per delete: short transactions, so sign-ins waiting on a row lock are never held up long. */
const PRUNE_BATCH = 1_000;
/** pg_try_advisory_xact_lock key: one replica prunes at a time ("2fapr" in ASCII). */
const PRUNE_LOCK_KEY = 0x3266617072;

export interface PrunedRows {
  approvals: number;
  enrolments: number;
  trustedDevices: number;
}

/**
 * What can never be used again, deleted once it has been dead for
 * TWO_FACTOR_KEEP_FINISHED_SECONDS (kept that long for support questions):
 * push approvals past their expiry whatever their answer, enrolments never
 * confirmed, and trusted devices revoked or expired. Runs on a timer in
 * every replica; a transaction-scoped advisory lock lets one work at a time.
 * Enabled enrolments are never touched. runOnce resolves to undefined when
 * the pass failed or another replica held the lock.
 */
@Injectable()
export class TwoFactorPruner extends PeriodicPruner<PrunedRows | undefined> {
  constructor(
    dataSource: DataSource,
    @Inject(TWO_FACTOR_SETTINGS) private readonly settings: TwoFactorSettings,
  ) {
    super(dataSource, {
      lockKey: PRUNE_LOCK_KEY,
      intervalSeconds: settings.pruneIntervalSeconds,
      failureMessage: 'two-factor pruning failed',
      failed: undefined,
    });
  }

  protected async prune(now: Date): Promise<PrunedRows | undefined> {
    const cutoff = new Date(now.getTime() - this.settings.keepFinishedSeconds * 1000);
    const approvals = await this.deleteInBatches(
      // No index on expiry: pruned hourly, the table holds about a day of approvals.
      `DELETE FROM two_factor_approvals WHERE id IN (
         SELECT id FROM two_factor_approvals WHERE expires_at < $1 LIMIT ${PRUNE_BATCH})`,
      cutoff,
    );
    if (approvals === undefined) {
      return undefined;
    }
    const enrolments = await this.deleteInBatches(
      `DELETE FROM two_factor_enrolments WHERE user_id IN (
         SELECT user_id FROM two_factor_enrolments
         WHERE status = 'pending' AND created_at < $1 LIMIT ${PRUNE_BATCH})`,
      cutoff,
    );
    const trustedDevices = await this.deleteInBatches(
      `DELETE FROM trusted_devices WHERE id IN (
         SELECT id FROM trusted_devices
         WHERE revoked_at < $1 OR expires_at < $1 LIMIT ${PRUNE_BATCH})`,
      cutoff,
    );
    const pruned = { approvals, enrolments: enrolments ?? 0, trustedDevices: trustedDevices ?? 0 };
    if (pruned.approvals + pruned.enrolments + pruned.trustedDevices > 0) {
      this.logger.log({ ...pruned, cutoff: cutoff.toISOString() }, 'two-factor rows pruned');
    }

    return pruned;
  }

  /** Repeats `statement` (with `$1` the cutoff) until it deletes nothing; undefined when locked out. */
  private deleteInBatches(statement: string, cutoff: Date): Promise<number | undefined> {
    return this.deleteInLockedBatches(PRUNE_BATCH, async (manager) => {
      const [, affected] = (await manager.query(statement, [cutoff])) as [unknown, number];

      return affected;
    });
  }
}
