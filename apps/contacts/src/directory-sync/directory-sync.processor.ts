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
/** How often closing checks whether Redis is out of reach, to close the worker by force. */
const WORKER_CLOSE_GRACE_MS = 5_000;

/**
 * Carries out sync runs and schedule ticks from the queue, and keeps each
 * organisation's schedule equal to its stored interval. Redis may be down
 * when settings change or when the service starts: neither waits for it (a
 * settings change is committed whatever Redis does, and the directory's
 * other calls do not need Redis), and every schedule is set again from the
 * stored settings whenever the connection to Redis is (re)established. A
 * tick finding its organisation's interval now 0 removes the schedule
 * instead of running, so a schedule Redis kept through an outage cannot keep
 * syncing after an administrator turned it off. A tick that finds a run
 * going ends as skipped: the next tick is the retry.
 */
@Injectable()
export class DirectorySyncProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DirectorySyncProcessor.name);
  private worker?: Worker<DirectorySyncJob>;
  /** Per organisation, the last scheduling step: steps of one organisation run in order. */
  private readonly steps = new Map<string, Promise<void>>();
  private closing = false;

  constructor(
    private readonly queue: DirectorySyncQueue,
    private readonly sync: DirectorySyncService,
    private readonly settings: LdapSettingsService,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = new Worker<DirectorySyncJob>(DIRECTORY_SYNC_QUEUE, (job) => this.process(job), {
      connection: this.queue.connection,
      prefix: this.queue.prefix,
      concurrency: CONCURRENCY,
    });
    this.worker.on('error', (error) => this.logger.error({ err: error }, 'sync worker error'));
    this.settings.onChange((orgId) => this.follow(orgId));
    // Emitted at the first connection and after every reconnection.
    this.queue.connection.on('ready', () => void this.followAll());
    void this.followAll();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    const worker = this.worker;
    if (worker) {
      // Closing waits for the job going (its run ends; it never throws) and for Redis, which
      // may be out of reach: then nothing can be handed back anyway, and it is closed by force.
      const closed = worker.close();
      const timer = setInterval(() => {
        if (this.queue.connection.status !== 'ready') {
          void worker.close(true);
        }
      }, WORKER_CLOSE_GRACE_MS);
      await closed.finally(() => clearInterval(timer));
    }
    await Promise.allSettled([...this.steps.values()]);
  }

  /** Sets every organisation's schedule from its stored interval. */
  private async followAll(): Promise<void> {
    try {
      const schedules = await this.settings.schedules();
      await Promise.all(schedules.map(({ orgId }) => this.follow(orgId)));
    } catch (error) {
      this.logger.warn({ err: error }, 'directory sync schedules not read');
    }
  }

  /**
   * Sets one organisation's schedule to the interval stored now (not the one
   * a caller saw: two changes racing must leave the later one's schedule).
   * Never throws; a failure is logged and repaired at the next connection.
   */
  private follow(orgId: string): Promise<void> {
    const previous = this.steps.get(orgId) ?? Promise.resolve();
    const step = previous.then(async () => {
      if (this.closing) {
        return;
      }
      try {
        const intervalSeconds = await this.settings.intervalOf(orgId);
        await this.queue.schedule(orgId, intervalSeconds);
        if (intervalSeconds > 0) {
          this.logger.log({ orgId, intervalSeconds }, 'directory sync scheduled');
        }
      } catch (error) {
        this.logger.warn({ orgId, err: error }, 'directory sync schedule not set');
      }
    });
    this.steps.set(orgId, step);
    void step.then(() => {
      if (this.steps.get(orgId) === step) {
        this.steps.delete(orgId);
      }
    });

    return step;
  }

  private async process(job: Job<DirectorySyncJob>): Promise<string> {
    const { data } = job;
    if (data.kind === 'run') {
      return this.sync.carryOut(data.runId);
    }
    if ((await this.settings.intervalOf(data.orgId)) === 0) {
      await this.follow(data.orgId);

      return 'skipped: the organisation has no schedule';
    }

    return this.sync.runScheduled(data.orgId, `job-${job.id}`);
  }
}
