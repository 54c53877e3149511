import { randomUUID } from 'node:crypto';

import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

import { isConferError } from '@confer/errors';
import { OutboxPublisher, writeOutbox } from '@confer/events';
import { Caller, isSystemCaller } from '@confer/grpc';

import { CONTACTS_CONFIG, ContactsConfig } from '../config';
import { Organisation } from '../organisations/organisation.entity';
import { OrganisationError } from '../organisations/organisations.errors';
import { writeSearchKeys } from '../people-search/search-key-writer';
import { isUuid, violatedUniqueConstraint } from '../persistence/postgres-errors';
import { ORG_ADMIN_ROLE } from '../users/user-input';
import { writeDepartments } from './department-writer';
import { DirectorySnapshot, readDirectory } from './directory-snapshot';
import { DirectorySyncError } from './directory-sync.errors';
import { LdapSettings } from './ldap-settings';
import { writeMemberships } from './membership-writer';
import { retirePeople, writePeople } from './people-writer';
import { emptyReport, MAX_REPORTED_FAILURES, SyncReport } from './sync-report';
import { SyncRun } from './sync-run.entity';

/** A running run whose heartbeat is older than this died with its process. */
const ABANDONED_AFTER_SECONDS = 600;
/** Progress is written every so many entries (outside the run's transaction). */
const PROGRESS_EVERY = 100;

/**
 * Directory sync runs. A run reads everything it needs from the directory
 * first, then applies it in one database transaction together with its own
 * report: a run that fails midway (server down, bad bind, database error)
 * leaves the directory tables exactly as they were. At most one run per
 * organisation is running at a time (sync_runs_one_running_key).
 */
@Injectable()
export class DirectorySyncService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(DirectorySyncService.name);
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxPublisher,
    @Inject(CONTACTS_CONFIG) private readonly config: ContactsConfig,
  ) {}

  /** Starts a run in the background and returns it as it begins (status running). */
  async start(caller: Caller, orgId: string, full: boolean): Promise<SyncRun> {
    const { run, done } = await this.begin(caller, orgId, full);
    void done;

    return run;
  }

  /** Runs to the end, for the scheduler; undefined when another run was already going. */
  async runToEnd(caller: Caller, orgId: string, full: boolean): Promise<SyncRun | undefined> {
    try {
      const { run, done } = await this.begin(caller, orgId, full);
      await done;

      return this.dataSource.getRepository(SyncRun).findOneByOrFail({ id: run.id });
    } catch (error) {
      if (isConferError(error) && error.code === 'directory_sync.already_running') {
        return undefined;
      }
      throw error;
    }
  }

  async get(caller: Caller, id: string): Promise<SyncRun> {
    const run = isUuid(id) ? await this.dataSource.getRepository(SyncRun).findOneBy({ id }) : null;
    if (!run || !mayRun(caller, run.orgId)) {
      throw DirectorySyncError.runNotFound(id);
    }

    return run;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private async begin(
    caller: Caller,
    orgId: string,
    full: boolean,
  ): Promise<{ run: SyncRun; done: Promise<void> }> {
    if (!isUuid(orgId)) {
      throw OrganisationError.notFound(orgId);
    }
    if (!mayRun(caller, orgId)) {
      throw DirectorySyncError.forbidden();
    }
    const organisation = await this.dataSource.getRepository(Organisation).findOneBy({ id: orgId });
    if (!organisation) {
      throw OrganisationError.notFound(orgId);
    }
    const settings = this.config.ldap;
    if (!settings || settings.orgId !== organisation.id) {
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
      await runs.insert({ id, orgId, fullRun: full, status: 'running', report: emptyReport() });
    } catch (error) {
      if (violatedUniqueConstraint(error) === 'sync_runs_one_running_key') {
        throw DirectorySyncError.alreadyRunning(orgId);
      }
      throw error;
    }
    const run = await runs.findOneByOrFail({ id });
    this.logger.log({ orgId, runId: id, full }, 'directory sync started');
    const done = this.execute(run, organisation, settings);
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));

    return { run, done };
  }

  private async execute(
    run: SyncRun,
    organisation: Organisation,
    settings: LdapSettings,
  ): Promise<void> {
    try {
      const since = run.fullRun ? undefined : await this.lastHighWaterMark(organisation.id);
      const snapshot = await readDirectory(settings, organisation.domain, since);
      const total = snapshot.people.length + snapshot.groups.length;
      await this.progress(run.id, 0, total);
      const report = await this.dataSource.transaction((manager) =>
        this.apply(manager, run, snapshot, settings, total),
      );
      this.outbox.notify();
      this.logger.log(
        { orgId: organisation.id, runId: run.id, ...counts(report) },
        'directory sync finished',
      );
    } catch (error) {
      const known = isConferError(error);
      await this.dataSource.query(
        `UPDATE sync_runs SET status = 'failed', finished_at = now(), error_code = $2, error_message = $3
         WHERE id = $1`,
        [
          run.id,
          known ? error.code : 'internal',
          known ? error.message : 'The run failed unexpectedly; see the service log.',
        ],
      );
      const logged = { orgId: organisation.id, runId: run.id, err: error };
      if (known) {
        this.logger.warn(logged, 'directory sync failed');
      } else {
        this.logger.error(logged, 'directory sync failed unexpectedly');
      }
    }
  }

  private async apply(
    manager: EntityManager,
    run: SyncRun,
    snapshot: DirectorySnapshot,
    settings: LdapSettings,
    total: number,
  ): Promise<SyncReport> {
    const orgId = run.orgId;
    const report = emptyReport();
    report.failures.push(...snapshot.failures);
    const subject = (event: string) => this.outbox.subject(event);
    let processed = 0;
    const onProcessed = async () => {
      processed += 1;
      if (processed % PROGRESS_EVERY === 0) {
        await this.progress(run.id, processed, total);
      }
    };

    const departmentIds = await writeDepartments(
      manager,
      orgId,
      snapshot.departments,
      snapshot.failedDepartments,
      report,
    );
    const people = await writePeople(manager, orgId, snapshot.people, report, subject, onProcessed);
    await retirePeople(manager, snapshot.peopleRefs, people, report, subject);
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
    );
    await writeSearchKeys(manager, people.rekey);
    await writeOutbox(manager, people.events);
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

/** The platform, or an administrator of the organisation. */
function mayRun(caller: Caller, orgId: string): boolean {
  return (
    isSystemCaller(caller) || (caller.orgId === orgId && caller.roles.includes(ORG_ADMIN_ROLE))
  );
}

function counts(report: SyncReport): Record<string, number> {
  const { failures, ...rest } = report;

  return { ...rest, failed: failures.length };
}
