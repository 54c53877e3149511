import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';

import { CONTACTS_CONFIG, ContactsConfig } from '../config';

export const DIRECTORY_SYNC_QUEUE = 'directory-sync';

/** A run asked for through the API: the row exists (status running); the job carries it out. */
export interface RunJob {
  kind: 'run';
  orgId: string;
  runId: string;
}

/** A tick of an organisation's schedule: starts an incremental run unless one is going. */
export interface TickJob {
  kind: 'tick';
  orgId: string;
}

export type DirectorySyncJob = RunJob | TickJob;

/** How long adding a job or changing a schedule may wait for Redis before giving up. */
const ENQUEUE_TIMEOUT_MS = 5_000;

/**
 * The BullMQ queue sync runs and schedule ticks go through (keys prefixed
 * with NATS_PREFIX, so deployments sharing a Redis stay apart). A run's job
 * id is its run id: adding it twice adds it once.
 */
@Injectable()
export class DirectorySyncQueue implements BeforeApplicationShutdown {
  private readonly logger = new Logger(DirectorySyncQueue.name);
  readonly connection: IORedis;
  readonly prefix: string;
  private readonly queue: Queue<DirectorySyncJob>;

  constructor(@Inject(CONTACTS_CONFIG) config: ContactsConfig) {
    // BullMQ's blocking reads need retries off. Not lazy: BullMQ answers a lazy client's failed
    // first connect by failing every later command of the queue, so a start while Redis was
    // down refused every sync until a restart; a client connecting at once waits for Redis.
    this.connection = new IORedis(config.redisUrl, { maxRetriesPerRequest: null });
    this.connection.on('error', (error) => this.logger.debug({ err: error }, 'redis error'));
    this.prefix = `${config.nats.prefix}:bull`;
    this.queue = new Queue<DirectorySyncJob>(DIRECTORY_SYNC_QUEUE, {
      connection: this.connection,
      prefix: this.prefix,
    });
    // Without a listener BullMQ prints each failed reconnection to the console.
    this.queue.on('error', (error) => this.logger.debug({ err: error }, 'queue error'));
  }

  async enqueueRun(orgId: string, runId: string): Promise<void> {
    await withTimeout(
      this.queue.add(
        'run',
        { kind: 'run', orgId, runId },
        // No retries: a run that failed says why; a crashed worker's job is picked up again
        // as stalled, and the run starts over (nothing of it was applied).
        { jobId: `run-${runId}`, attempts: 1, removeOnComplete: 100, removeOnFail: 100 },
      ),
      ENQUEUE_TIMEOUT_MS,
    );
  }

  /**
   * Sets (interval > 0) or removes an organisation's schedule; one scheduler
   * per organisation. Throws when Redis does not answer in time (the command
   * may still be carried out once Redis is back).
   */
  async schedule(orgId: string, intervalSeconds: number): Promise<void> {
    const id = schedulerId(orgId);
    if (intervalSeconds === 0) {
      await withTimeout(this.queue.removeJobScheduler(id), ENQUEUE_TIMEOUT_MS);

      return;
    }
    await withTimeout(
      this.queue.upsertJobScheduler(
        id,
        { every: intervalSeconds * 1000 },
        {
          name: 'tick',
          data: { kind: 'tick', orgId },
          opts: { attempts: 1, removeOnComplete: 100, removeOnFail: 100 },
        },
      ),
      ENQUEUE_TIMEOUT_MS,
    );
  }

  /** Closes within the enqueue timeout even when Redis is out of reach (closing waits for it). */
  async beforeApplicationShutdown(): Promise<void> {
    try {
      await withTimeout(this.queue.close(), ENQUEUE_TIMEOUT_MS);
      await withTimeout(this.connection.quit(), ENQUEUE_TIMEOUT_MS);
    } catch {
      this.connection.disconnect();
    }
  }
}

/** The id of an organisation's job scheduler. */
export function schedulerId(orgId: string): string {
  return `${DIRECTORY_SYNC_QUEUE}:${orgId}`;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });

  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
