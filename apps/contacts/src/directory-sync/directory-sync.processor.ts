import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Job, Worker } from 'bullmq';

import { DIRECTORY_SYNC_QUEUE, DirectorySyncJob, DirectorySyncQueue } from './directory-sync.queue';
import { DirectorySyncService } from './directory-sync.service';
import { LdapSettingsService } from './ldap-settings.service';

/** Runs of different organisations proceed side by side; one organisation has one at a time. */
const CONCURRENCY = 2;

/**
 * Carries out sync runs and schedule ticks from the queue. At start it sets
 * every organisation's schedule from the stored settings (and the
 * environment's default), and it follows each later change of an interval.
 * A tick that finds a run going ends as skipped: the next tick is the retry.
 */
@Injectable()
export class DirectorySyncProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DirectorySyncProcessor.name);
  private worker?: Worker<DirectorySyncJob>;

  constructor(
    private readonly queue: DirectorySyncQueue,
    private readonly sync: DirectorySyncService,
    private readonly settings: LdapSettingsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.worker = new Worker<DirectorySyncJob>(DIRECTORY_SYNC_QUEUE, (job) => this.process(job), {
      connection: this.queue.connection,
      prefix: this.queue.prefix,
      concurrency: CONCURRENCY,
    });
    this.worker.on('error', (error) => this.logger.error({ err: error }, 'sync worker error'));
    this.settings.onChange((orgId, interval) => this.schedule(orgId, interval));
    for (const { orgId, syncIntervalSeconds } of await this.settings.schedules()) {
      await this.schedule(orgId, syncIntervalSeconds);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  private async schedule(orgId: string, intervalSeconds: number): Promise<void> {
    await this.queue.schedule(orgId, intervalSeconds);
    if (intervalSeconds > 0) {
      this.logger.log({ orgId, intervalSeconds }, 'directory sync scheduled');
    }
  }

  private async process(job: Job<DirectorySyncJob>): Promise<string> {
    const { data } = job;
    if (data.kind === 'run') {
      return this.sync.carryOut(data.runId);
    }

    return this.sync.runScheduled(data.orgId, `job-${job.id}`);
  }
}
