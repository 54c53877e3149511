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

/** How long adding a job may wait for Redis before the request is refused. */
const ENQUEUE_TIMEOUT_MS = 5_000;

/**
 * The BullMQ queue sync runs and schedule ticks go through (keys prefixed
 * with NATS_PREFIX, so deployments sharing a Redis stay apart). A run's job
 * id is its run id: adding it twice adds it once.
 */
@Injectable()
export class DirectorySyncQueue implements BeforeApplicationShutdown {
  private readonly logger = new Logger(DirectorySyncQueue.name);
  // BullMQ's blocking reads need retries off.
  readonly connection: IORedis;
  readonly prefix: string;
  private readonly queue: Queue<DirectorySyncJob>;

  constructor(@Inject(CONTACTS_CONFIG) config: ContactsConfig) {
    this.connection = new IORedis(config.redisUrl, {
      maxRetriesPerRequest: null,
      lazyConnect: true,
    });
    this.connection.on('error', (error) => this.logger.debug({ err: error }, 'redis error'));
    this.prefix = `${config.nats.prefix}:bull`;
    this.queue = new Queue<DirectorySyncJob>(DIRECTORY_SYNC_QUEUE, {
      connection: this.connection,
      prefix: this.prefix,
    });
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

  /** Sets (interval > 0) or removes an organisation's schedule; one scheduler per organisation. */
  async schedule(orgId: string, intervalSeconds: number): Promise<void> {
    const id = `${DIRECTORY_SYNC_QUEUE}:${orgId}`;
    if (intervalSeconds === 0) {
      await this.queue.removeJobScheduler(id);

      return;
    }
    await this.queue.upsertJobScheduler(
      id,
      { every: intervalSeconds * 1000 },
      {
        name: 'tick',
        data: { kind: 'tick', orgId },
        opts: { attempts: 1, removeOnComplete: 100, removeOnFail: 100 },
      },
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.close();
    await this.connection.quit().catch(() => undefined);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });

  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
