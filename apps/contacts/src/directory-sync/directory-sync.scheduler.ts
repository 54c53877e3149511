import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Job, Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';

import { systemCaller } from '@confer/grpc';

import { CONTACTS_CONFIG, ContactsConfig } from '../config';
import { DirectorySyncService } from './directory-sync.service';

export const DIRECTORY_SYNC_QUEUE = 'directory-sync';

export interface DirectorySyncJob {
  orgId: string;
}

/**
 * Runs an incremental sync of each configured organisation every
 * LDAP_SYNC_INTERVAL_SECONDS (0: never). One job scheduler per organisation
 * (its id names the organisation), so repeated starts and several replicas
 * keep one schedule; a run already going (started by hand, or by a replica)
 * makes the job end as skipped. No retries: the next tick is the retry.
 */
@Injectable()
export class DirectorySyncScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DirectorySyncScheduler.name);
  private connection?: IORedis;
  private queue?: Queue<DirectorySyncJob>;
  private worker?: Worker<DirectorySyncJob>;

  constructor(
    private readonly sync: DirectorySyncService,
    @Inject(CONTACTS_CONFIG) private readonly config: ContactsConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { ldap, syncIntervalSeconds } = this.config;
    if (!ldap || syncIntervalSeconds === 0) {
      return;
    }
    // BullMQ's blocking reads need retries off; its keys share the deployment's prefix.
    this.connection = new IORedis(this.config.redisUrl, { maxRetriesPerRequest: null });
    const prefix = `${this.config.nats.prefix}:bull`;
    this.queue = new Queue<DirectorySyncJob>(DIRECTORY_SYNC_QUEUE, {
      connection: this.connection,
      prefix,
    });
    await this.queue.upsertJobScheduler(
      `${DIRECTORY_SYNC_QUEUE}:${ldap.orgId}`,
      { every: syncIntervalSeconds * 1000 },
      {
        name: DIRECTORY_SYNC_QUEUE,
        data: { orgId: ldap.orgId },
        opts: { attempts: 1, removeOnComplete: 100, removeOnFail: 100 },
      },
    );
    this.worker = new Worker<DirectorySyncJob>(DIRECTORY_SYNC_QUEUE, (job) => this.process(job), {
      connection: this.connection,
      prefix,
      concurrency: 1,
    });
    this.worker.on('error', (error) => this.logger.error({ err: error }, 'sync worker error'));
    this.logger.log(
      { orgId: ldap.orgId, intervalSeconds: syncIntervalSeconds },
      'directory sync scheduled',
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.queue?.close();
    await this.connection?.quit().catch(() => undefined);
  }

  private async process(job: Job<DirectorySyncJob>): Promise<string> {
    const run = await this.sync.runToEnd(
      systemCaller(job.data.orgId, `job-${job.id}`),
      job.data.orgId,
      false,
    );

    return run ? `${run.status}:${run.id}` : 'skipped: a run was already going';
  }
}
