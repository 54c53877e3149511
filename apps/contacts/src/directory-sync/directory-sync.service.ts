import { randomUUID } from 'node:crypto';

import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

import { isConferError } from '@confer/errors';
import { OutboxPublisher, writeOutbox } from '@confer/events';
import { Caller, systemCaller } from '@confer/grpc';

import { Organisation } from '../organisations/organisation.entity';
import { OrganisationError } from '../organisations/organisations.errors';
import { writeSearchKeys } from '../people-search/search-key-writer';
import { isUuid, violatedUniqueConstraint } from '../persistence/postgres-errors';
import { writeAdministrators } from './administrator-writer';
import { APPLY_BATCH_SIZE, PhaseClock } from './apply-batches';
import { writeDepartments } from './department-writer';
import { DirectorySnapshot, readDirectory } from './directory-snapshot';
import { DirectorySyncError } from './directory-sync.errors';
import { DirectorySyncQueue } from './directory-sync.queue';
import { LdapSettings } from './ldap-settings';
import { LdapSettingsService, mayAdminister } from './ldap-settings.service';
import { writeMemberships } from './membership-writer';
import { loadPeople, retirePeople, writePeople } from './people-writer';
import { emptyReport, MAX_REPORTED_FAILURES, SyncReport } from './sync-report';
import { SyncRun } from './sync-run.entity';

/** A running run whose heartbeat is older than this died with its process. */
const ABANDONED_AFTER_SECONDS = 600;
/** A run's heartbeat while it reads the directory or waits on the database. */
const HEARTBEAT_MS = 30_000;
export const DEFAULT_RUNS_LISTED = 20;
export const MAX_RUNS_LISTED = 100;

/**
 * Directory sync runs. A run is recorded at once and carried out by the
 * queue's worker (or inline by a schedule's tick). It reads everything it
 * needs from the directory first, then applies it in one database
 * transaction together with its own report: a run that fails midway (server
 * down, bad bind, database error) leaves the directory tables exactly as they
 * were, and a run whose worker died is carried out again from the start. At
 * most one run per organisation is running at a time
 * (sync_runs_one_running_key).
 */
@Injectable()
export class DirectorySyncService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(DirectorySyncService.name);
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxPublisher,
    private readonly settings: LdapSettingsService,
    private readonly queue: DirectorySyncQueue,
  ) {}

  /**
   * Records a run (status running) and queues it; the queue's worker carries
   * it out. Answers at once with the run as it begins.
   */
  async start(caller: Caller, orgId: string, full: boolean): Promise<SyncRun> {
    const run = await this.begin(caller, orgId, full);
    try {
      await this.queue.enqueueRun(orgId, run.id);
    } catch (error) {
      const refused = DirectorySyncError.queueUnavailable(error);
      await this.fail(run.id, refused.code, refused.message);
      throw refused;
    }

    return run;
  }

  /** Carries out a queued run; a run already over (a job delivered twice) is left alone. */
  async carryOut(runId: string): Promise<string> {
    const run = await this.dataSource.getRepository(SyncRun).findOneBy({ id: runId });
    if (!run || run.status !== 'running') {
      return `skipped: run ${runId} is ${run?.status ?? 'gone'}`;
    }
    await this.execute(run);

    return `run ${runId} ended`;
  }

  /** A schedule's tick: an incremental run to its end, or nothing when one is going. */
  async runScheduled(orgId: string, correlationId: string): Promise<string> {
    try {
      const run = await this.begin(systemCaller(orgId, correlationId), orgId, false);
      await this.execute(run);

      return `run ${run.id} ended`;
    } catch (error) {
      if (
        isConferError(error) &&
        ['directory_sync.already_running', 'directory_sync.not_configured'].includes(error.code)
      ) {
        return `skipped: ${error.code}`;
      }
      throw error;
    }
  }

  async get(caller: Caller, id: string): Promise<SyncRun> {
    const run = isUuid(id) ? await this.dataSource.getRepository(SyncRun).findOneBy({ id }) : null;
    if (!run || !mayAdminister(caller, run.orgId)) {
      throw DirectorySyncError.runNotFound(id);
    }

    return run;
  }

  /** The organisation's most recent runs, newest first. */
  async list(caller: Caller, orgId: string, limit: number): Promise<SyncRun[]> {
    if (!isUuid(orgId)) {
      throw OrganisationError.notFound(orgId);
    }
    if (!mayAdminister(caller, orgId)) {
      throw DirectorySyncError.forbidden();
    }
    const take = Math.min(Math.max(limit || DEFAULT_RUNS_LISTED, 1), MAX_RUNS_LISTED);

    // Served by sync_runs_org_started_idx.
    return this.dataSource
      .getRepository(SyncRun)
      .find({ where: { orgId }, order: { startedAt: 'DESC', id: 'DESC' }, take });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private async begin(caller: Caller, orgId: string, full: boolean): Promise<SyncRun> {
    if (!isUuid(orgId)) {
      throw OrganisationError.notFound(orgId);
    }
    if (!mayAdminister(caller, orgId)) {
      throw DirectorySyncError.forbidden();
    }
    const organisation = await this.dataSource.getRepository(Organisation).findOneBy({ id: orgId });
    if (!organisation) {
      throw OrganisationError.notFound(orgId);
    }
    if (!(await this.settings.resolve(orgId))) {
      throw DirectorySyncError.notConfigured(orgId);
    }
    const runs = this.dataSource.getRepository(SyncRun);
    await this.dataSource.query(
      `UPDATE sync_runs SET status = 'failed', finished_at = now(),
         error_code = 'directory_sync.abandoned', error_message = 'The run stopped reporting progress.'
       WHERE org_id = $1 AND status = 'running' AND heartbeat_at < now() - make_interval(secs => $2)`,
      [orgId, ABANDONED_AFTER_SECONDS],
    );
    const id = randomUUID();
    try {
      await runs.insert({
        id,
        orgId,
        fullRun: full,
        status: 'running',
        report: emptyReport(),
        requestedBy: isUuid(caller.userId) ? caller.userId : null,
      });
    } catch (error) {
      if (violatedUniqueConstraint(error) === 'sync_runs_one_running_key') {
        throw DirectorySyncError.alreadyRunning(orgId);
      }
      throw error;
    }
    this.logger.log({ orgId, runId: id, full }, 'directory sync started');

    return runs.findOneByOrFail({ id });
  }

  /** Carries a run out to its end: succeeded, or failed with a reason; never throws. */
  private async execute(run: SyncRun): Promise<void> {
    const done = this.executeOnce(run);
    this.inFlight.add(done);
    try {
      await done;
    } finally {
      this.inFlight.delete(done);
    }
  }

  private async executeOnce(run: SyncRun): Promise<void> {
    const heartbeat = setInterval(() => {
      this.dataSource
        .query('UPDATE sync_runs SET heartbeat_at = now() WHERE id = $1', [run.id])
        .catch((error: unknown) =>
          this.logger.warn({ runId: run.id, err: error }, 'heartbeat failed'),
        );
    }, HEARTBEAT_MS);
    const organisation = { id: run.orgId, domain: '' };
    try {
      organisation.domain = (
        await this.dataSource.getRepository(Organisation).findOneByOrFail({ id: run.orgId })
      ).domain;
      const settings = await this.settings.resolve(organisation.id);
      if (!settings) {
        throw DirectorySyncError.notConfigured(organisation.id);
      }
      const clock = new PhaseClock();
      const since = run.fullRun ? undefined : await this.lastHighWaterMark(organisation.id);
      const snapshot = await readDirectory(settings, organisation.domain, since);
      clock.lap('read');
      const total = snapshot.people.length + snapshot.groups.length;
      await this.progress(run.id, 0, total);
      const report = await this.dataSource.transaction((manager) =>
        this.apply(manager, run, snapshot, settings, total, clock),
      );
      clock.lap('commit');
      this.outbox.notify();
      // After the commit, so that the commit's own time is among them.
      const phasesMs = clock.recorded;
      await this.dataSource.query(
        `UPDATE sync_runs SET report = report || jsonb_build_object('phasesMs', $2::jsonb)
         WHERE id = $1`,
        [run.id, JSON.stringify(phasesMs)],
      );
      this.logger.log(
        { orgId: organisation.id, runId: run.id, ...counts(report), phasesMs },
        'directory sync finished',
      );
    } catch (error) {
      const known = isConferError(error);
      await this.fail(
        run.id,
        known ? error.code : 'internal',
        known ? error.message : 'The run failed unexpectedly; see the service log.',
      );
      const logged = { orgId: organisation.id, runId: run.id, err: error };
      if (known) {
        this.logger.warn(logged, 'directory sync failed');
      } else {
        this.logger.error(logged, 'directory sync failed unexpectedly');
      }
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async fail(runId: string, code: string, message: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE sync_runs SET status = 'failed', finished_at = now(), error_code = $2, error_message = $3
       WHERE id = $1 AND status = 'running'`,
      [runId, code, message],
    );
  }

  private async apply(
    manager: EntityManager,
    run: SyncRun,
    snapshot: DirectorySnapshot,
    settings: LdapSettings,
    total: number,
    clock: PhaseClock,
  ): Promise<SyncReport> {
    const orgId = run.orgId;
    // A job delivered twice (a worker thought dead) must not apply a run twice. Not a row
    // lock on the run: progress is written to that row from outside this transaction.
    const [row]: { status: string; locked: boolean }[] = await manager.query(
      `SELECT status, pg_try_advisory_xact_lock(hashtext('sync_run:' || id::text)) AS locked
       FROM sync_runs WHERE id = $1`,
      [run.id],
    );
    if (row?.status !== 'running' || !row.locked) {
      throw DirectorySyncError.runOver(run.id);
    }
    const report = emptyReport();
    report.failures.push(...snapshot.failures);
    const subject = (event: string) => this.outbox.subject(event);
    let processed = 0;
    // Progress goes to the run's row outside this transaction, so it shows while the run goes.
    const onProgress = async (records: number) => {
      processed += records;
      await this.progress(run.id, processed, total);
    };
    clock.lap('begin');

    const departmentIds = await writeDepartments(
      manager,
      orgId,
      snapshot.departments,
      snapshot.failedDepartments,
      report,
      APPLY_BATCH_SIZE,
    );
    clock.lap('departments');
    const users = await loadPeople(manager, orgId);
    clock.lap('loadPeople');
    const people = await writePeople(manager, orgId, users, snapshot.people, report, subject, {
      batchSize: APPLY_BATCH_SIZE,
      onProgress,
    });
    await retirePeople(manager, snapshot.peopleRefs, people, report, subject, APPLY_BATCH_SIZE);
    if (snapshot.administrators) {
      await writeAdministrators(manager, people, snapshot.administrators);
    }
    clock.lap('people');
    await writeMemberships(
      manager,
      {
        groups: snapshot.groups,
        departmentIds,
        departments: snapshot.departments,
        everyDepartment: !snapshot.since && settings.groups !== undefined,
      },
      people,
      settings.attributes,
      report,
      APPLY_BATCH_SIZE,
    );
    await onProgress(snapshot.groups.length);
    clock.lap('memberships');
    await writeSearchKeys(manager, people.rekey);
    clock.lap('searchKeys');
    for (let start = 0; start < people.events.length; start += APPLY_BATCH_SIZE) {
      await writeOutbox(manager, people.events.slice(start, start + APPLY_BATCH_SIZE));
    }
    clock.lap('events');
    report.failures = report.failures.slice(0, MAX_REPORTED_FAILURES);
    await manager.update(
      SyncRun,
      { id: run.id },
      {
        status: 'succeeded',
        finishedAt: new Date(),
        processed: total,
        total,
        report,
        highWaterMark: snapshot.highWaterMark ?? null,
        fullRun: !snapshot.since,
      },
    );

    return report;
  }

  /** Where the last successful run stopped; undefined when there is none (a full run follows). */
  private async lastHighWaterMark(orgId: string): Promise<string | undefined> {
    // Served by sync_runs_org_started_idx.
    const rows: { high_water_mark: string | null }[] = await this.dataSource.query(
      `SELECT high_water_mark FROM sync_runs
       WHERE org_id = $1 AND status = 'succeeded' ORDER BY started_at DESC LIMIT 1`,
      [orgId],
    );

    return rows[0]?.high_water_mark ?? undefined;
  }

  private async progress(id: string, processed: number, total: number): Promise<void> {
    await this.dataSource.query(
      'UPDATE sync_runs SET processed = $2, total = $3, heartbeat_at = now() WHERE id = $1',
      [id, processed, total],
    );
  }
}

function counts(report: SyncReport): Record<string, number> {
  const { failures, phasesMs: _phases, ...rest } = report;

  return { ...rest, failed: failures.length };
}
