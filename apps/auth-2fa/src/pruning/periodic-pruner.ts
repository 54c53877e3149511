import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** Bounds the batches of one kind of row in one pass; what is left goes in the next. */
const MAX_BATCHES_PER_RUN = 100;

export interface PeriodicPrunerOptions<T> {
  /** pg_try_advisory_xact_lock key: one replica prunes at a time. */
  lockKey: number;
  intervalSeconds: number;
  /** The log line of a pass that threw. */
  failureMessage: string;
  /** What a pass that threw resolves to. */
  failed: T;
}

/**
 * Deletes what is no longer needed on a timer in every replica, in short
 * batches each holding a transaction-scoped advisory lock, so only one replica
 * works at a time and no batch holds up the app's own writers for long. A pass
 * still running when the next tick comes is not doubled, and shutdown waits
 * for it.
 */
export abstract class PeriodicPruner<T>
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  protected readonly logger = new Logger(this.constructor.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<T>;

  protected constructor(
    protected readonly dataSource: DataSource,
    private readonly pruner: PeriodicPrunerOptions<T>,
  ) {}

  /** One pass; called by runOnce, never two at once in a replica. */
  protected abstract prune(now: Date): Promise<T>;

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.runOnce(), this.pruner.intervalSeconds * 1000);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass, or the one already running; a pass that throws is logged and resolves to `failed`. */
  runOnce(now = new Date()): Promise<T> {
    if (!this.running) {
      this.running = this.prune(now)
        .catch((error: unknown) => {
          this.logger.error({ err: error }, this.pruner.failureMessage);

          return this.pruner.failed;
        })
        .finally(() => {
          this.running = undefined;
        });
    }

    return this.running;
  }

  /**
   * Runs `deleteBatch` (given the batch's number, from 0) in transactions
   * holding the advisory lock until it deletes fewer than `batchSize` rows;
   * resolves to the rows deleted, or undefined when another replica held the
   * lock at the first batch. Losing the lock later ends the loop early.
   */
  protected async deleteInLockedBatches(
    batchSize: number,
    deleteBatch: (manager: EntityManager, batch: number) => Promise<number>,
  ): Promise<number | undefined> {
    let deleted = 0;
    for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch += 1) {
      const count = await this.dataSource.transaction(async (manager) => {
        const [{ locked }] = (await manager.query(
          'SELECT pg_try_advisory_xact_lock($1) AS locked',
          [this.pruner.lockKey],
        )) as [{ locked: boolean }];

        return locked ? deleteBatch(manager, batch) : -1;
      });
      if (count < 0) {
        return batch === 0 ? undefined : deleted;
      }
      deleted += count;
      if (count < batchSize) {
        break;
      }
    }

    return deleted;
  }
}
