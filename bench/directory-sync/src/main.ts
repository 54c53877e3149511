#!/usr/bin/env node
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

import { connect } from 'nats';
import { Client as PgClient } from 'pg';

import { Caller, ServiceClient, systemCaller } from '@confer/grpc';
import { contacts } from '@confer/proto';
import {
  dropDatabase,
  spawnBuiltApp,
  testDirectoryServer,
  testGrpcClient,
  testServers,
  uniqueDatabaseName,
  uniqueToken,
  writeSection,
} from '@confer/testing';

import { directoryChanges } from './changes';
import { BenchDirectory } from './directory';
import { benchTree } from './ldif';
import { generatePopulation } from './population';

const USAGE = `Usage: npm run bench:directory-sync -- [options]

Generates a directory of N people into the local test slapd under a subtree of
its own (ou=bench-<hex>,dc=example,dc=cn), starts the built contacts app on a
database of its own, stores LDAP settings for a fresh organisation and
measures directory sync runs through the contacts gRPC calls: a full run, a
second full run that finds nothing changed, and an incremental run after
changing 100 entries (renames, address changes, disabled accounts, moves).
The subtree, the database and the event stream are removed after.
Build first: npx tsc -b apps/contacts bench/directory-sync.

Options:
  --people N     people in the directory (default 100000)
  --changes N    entries changed before the incremental run (default 100)
  --keep         keep the generated subtree (its token is printed), changes undone
  --reuse TOKEN  measure a subtree kept by --keep (same --people), without loading
  --no-write     do not update docs/benchmarks.md
`;

const ROOT = join(__dirname, '..', '..', '..');
const RESULTS = join(ROOT, 'docs', 'benchmarks.md');
/** How often the run is asked whether it ended: the wall times are this precise. */
const POLL_MS = 50;
const TARGETS = { fullSeconds: 60, incrementalSeconds: 5 };
/** The phases a run reports, in the order they happen ('begin' is bookkeeping, left out). */
const PHASES = [
  'read',
  'departments',
  'loadPeople',
  'people',
  'memberships',
  'searchKeys',
  'events',
  'commit',
];

interface RunFigures {
  name: string;
  /** From the start call to the poll that saw the run end. */
  wallSeconds: number;
  status: string;
  counts: Record<string, number>;
  /** Where the time went inside the run, as the run reports it (milliseconds). */
  phases: Record<string, number>;
  /** One-minute load average when the run ended: the machine is shared. */
  load: number;
}

interface Report {
  people: number;
  departments: number;
  groups: number;
  memberships: number;
  loadSeconds: number;
  runs: RunFigures[];
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      people: { type: 'string', default: '100000' },
      changes: { type: 'string', default: '100' },
      keep: { type: 'boolean', default: false },
      reuse: { type: 'string' },
      'no-write': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);

    return 0;
  }
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  const servers = testServers();
  const ldap = testDirectoryServer();
  const size = Number(values.people);
  const changeCount = Number(values.changes);
  if (!Number.isInteger(size) || size < 10 || !Number.isInteger(changeCount) || changeCount < 4) {
    throw new Error('--people must be at least 10 and --changes at least 4');
  }

  const token = values.reuse ?? randomBytes(4).toString('hex');
  const keep = values.keep! || values.reuse !== undefined;
  const tree = benchTree(ldap.baseDn, token);
  const domain = `bench-${token}.example.cn`;
  const database = uniqueDatabaseName('bench_directory_sync');
  const prefix = uniqueToken('bench');
  progress(`generating ${size} people for ${tree.base}`);
  const population = generatePopulation(size, domain);
  const directory = new BenchDirectory(ldap, tree, population);
  let cleaned = false;
  const cleanUp = async () => {
    if (cleaned) {
      return;
    }
    cleaned = true;
    progress(`removing ${keep ? '' : `${tree.base}, `}database ${database} and stream ${prefix}`);
    if (keep) {
      progress(`kept ${tree.base}: --reuse ${token}`);
    } else {
      await directory.remove().catch((error: unknown) => progress(`directory: ${String(error)}`));
    }
    directory.dispose();
    await dropDatabase(servers.postgresUrl, database).catch(() => undefined);
    await deleteStream(servers.natsUrl, prefix).catch(() => undefined);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      progress(`${signal}: cleaning up`);
      void cleanUp().finally(() => process.exit(130));
    });
  }

  try {
    const loadStarted = performance.now();
    if (values.reuse) {
      if (!(await directory.exists())) {
        throw new Error(`${tree.base} is not in the directory (was it reset?)`);
      }
    } else {
      progress('loading the directory (ldapadd)');
      await directory.load();
    }
    const loadSeconds = seconds(performance.now() - loadStarted);
    progress(`loaded in ${loadSeconds} s; starting contacts on ${database}`);

    const app = await spawnBuiltApp('contacts', {
      POSTGRES_URL: servers.postgresUrl,
      DATABASE_NAME: database,
      NATS_URL: servers.natsUrl,
      NATS_PREFIX: prefix,
      REDIS_URL: servers.redisUrl,
    });
    const grpc = testGrpcClient<contacts.ContactsServiceClient>('contacts', app.grpcUrl);
    const db = new PgClient({ connectionString: databaseUrl(servers.postgresUrl, database) });
    try {
      await db.connect();
      const orgId = randomUUID();
      const caller = systemCaller(orgId, 'bench-directory-sync');
      await grpc.client.createOrganisation(caller, { id: orgId, name: '基准测试公司', domain });
      await grpc.client.updateLdapSettings(caller, {
        orgId,
        url: ldap.url,
        bindDn: ldap.bindDn,
        bindPassword: ldap.password,
        peopleBaseDn: tree.people,
        peopleFilter: '(objectClass=inetOrgPerson)',
        departmentsBaseDn: tree.departments,
        departmentsFilter: '(objectClass=organizationalUnit)',
        groupsBaseDn: tree.groups,
        groupsFilter: '(objectClass=groupOfNames)',
        attributeMap: {},
        disabledValues: ['disabled'],
        adminGroupDn: '',
        syncIntervalSeconds: 0,
        startTls: false,
        tlsCaCertificate: '',
        tlsSkipVerify: false,
        pageSize: 0,
        timeoutSeconds: 0,
      });
      const measure = (name: string, full: boolean) =>
        measureRun(grpc.client, db, caller, name, full, progress);

      const runs: RunFigures[] = [];
      const full = await measure('full run', true);
      expectCounts(full, {
        created: size,
        departmentsCreated: population.departments.length,
        failures: 0,
      });
      runs.push(full);
      await drainOutbox(db, progress);

      const again = await measure('full run, nothing changed', true);
      expectCounts(again, { created: 0, updated: 0, moved: 0, disabled: 0, failures: 0 });
      runs.push(again);

      const changes = directoryChanges(tree, population, changeCount);
      progress(`changing ${changeCount} entries (${changes.modifications.length} modifications)`);
      await directory.modify(changes.modifications);
      // A change in the same second as the last run's high-water mark is read again; let the
      // clock move on so the incremental run reads what an hourly schedule would.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      let incremental: RunFigures;
      try {
        incremental = await measure(`incremental run, ${changeCount} changes`, false);
      } finally {
        if (keep) {
          await directory.modify(changes.reverse);
        }
      }
      expectCounts(incremental, { created: 0, failures: 0, ...changes.expected });
      runs.push(incremental);

      const report: Report = {
        people: size,
        departments: population.departments.length,
        groups: population.groups.length,
        memberships: population.groups.reduce((sum, group) => sum + group.members.length, 0),
        loadSeconds,
        runs,
      };
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      if (!values['no-write']) {
        writeSection(RESULTS, 'bench:directory-sync', await markdown(report, db));
      }
      const met =
        full.wallSeconds < TARGETS.fullSeconds &&
        incremental.wallSeconds < TARGETS.incrementalSeconds;
      progress(met ? 'targets met' : 'targets NOT met');

      return 0;
    } finally {
      grpc.close();
      await db.end().catch(() => undefined);
      await app.stop();
    }
  } finally {
    await cleanUp();
    if (!keep && (await directory.exists().catch(() => false))) {
      progress(`${tree.base} is still in the directory`);
    }
  }
}

async function measureRun(
  client: ServiceClient<contacts.ContactsServiceClient>,
  db: PgClient,
  caller: Caller,
  name: string,
  full: boolean,
  progress: (line: string) => void,
): Promise<RunFigures> {
  progress(`measuring: ${name}`);
  const started = performance.now();
  const { id } = await client.startDirectorySync(caller, { orgId: caller.orgId, full });
  let run = await client.getDirectorySyncRun(caller, { id });
  while (run.status === 'running') {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    run = await client.getDirectorySyncRun(caller, { id });
  }
  const wallSeconds = seconds(performance.now() - started);
  const { rows } = await db.query<{ report: { phasesMs?: Record<string, number> } }>(
    'SELECT report FROM sync_runs WHERE id = $1',
    [id],
  );
  const figures: RunFigures = {
    name,
    wallSeconds,
    status: run.status,
    counts: {
      created: run.created,
      updated: run.updated,
      moved: run.moved,
      disabled: run.disabled,
      departmentsCreated: run.departmentsCreated,
      failures: run.failures.length,
    },
    phases: rows[0]?.report.phasesMs ?? {},
    load: Math.round(loadavg()[0] * 10) / 10,
  };
  if (run.status !== 'succeeded') {
    throw new Error(`${name} ${run.status}: ${run.errorCode} ${run.errorMessage}`);
  }
  progress(`${name}: ${wallSeconds} s ${JSON.stringify(figures.counts)}`);

  return figures;
}

function expectCounts(run: RunFigures, expected: Record<string, number>): void {
  const wrong = Object.entries(expected).filter(([key, value]) => run.counts[key] !== value);
  if (wrong.length > 0) {
    throw new Error(
      `${run.name} reported ${JSON.stringify(run.counts)}, expected ${JSON.stringify(expected)}`,
    );
  }
}

/** The relay publishes a full run's events after it; they must not weigh on the next run. */
async function drainOutbox(db: PgClient, progress: (line: string) => void): Promise<void> {
  const started = performance.now();
  for (;;) {
    const { rows } = await db.query<{ count: string }>('SELECT count(*) FROM outbox');
    if (rows[0].count === '0') {
      break;
    }
    if (performance.now() - started > 300_000) {
      throw new Error(`the outbox still holds ${rows[0].count} events after 5 minutes`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  progress(`outbox published in ${seconds(performance.now() - started)} s`);
}

async function deleteStream(natsUrl: string, prefix: string): Promise<void> {
  const nats = await connect({ servers: natsUrl });
  try {
    const manager = await nats.jetstreamManager();
    await manager.streams.delete(`${prefix}_CONTACTS`.toUpperCase());
  } finally {
    await nats.close();
  }
}

function databaseUrl(postgresUrl: string, database: string): string {
  const url = new URL(postgresUrl);
  url.pathname = `/${database}`;

  return url.toString();
}

async function markdown(report: Report, db: PgClient): Promise<string> {
  const postgres = (await db.query<{ server_version: string }>('SHOW server_version')).rows[0]
    .server_version;
  const cpu = cpus()[0]?.model?.trim() ?? 'unknown CPU';
  const phaseNames = PHASES.filter((phase) => report.runs.some((run) => phase in run.phases));
  const lines = [
    '### Directory sync (`npm run bench:directory-sync`)',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)}, nproc ${nproc()}, ${cpu}, ` +
      `${Math.round(totalmem() / 1024 ** 3)} GiB, Node ${process.version}, PostgreSQL ${postgres} ` +
      `(default settings), ${slapdVersion()} (mdb), everything on one machine shared with ` +
      'other work (load average in the table).',
    '',
    `${report.people.toLocaleString('en')} generated people (Chinese names with rare and ` +
      'compound surnames, English names, 5% with a second address, 1% disabled) under ' +
      `${report.departments.toLocaleString('en')} departments (organizational units four ` +
      `levels deep), ${report.groups.toLocaleString('en')} groupOfNames with ` +
      `${report.memberships.toLocaleString('en')} memberships (5% of people in two ` +
      `departments); loaded with ldapadd in ${report.loadSeconds} s (not measured). Each run ` +
      'is started through the contacts gRPC call of the built app and timed until ' +
      `GetDirectorySyncRun (asked every ${POLL_MS} ms) says it ended; the phases are the ` +
      "run's own report in milliseconds: read (LDAP searches and mapping the entries), " +
      "departments, loadPeople (the organisation's people from PostgreSQL), people (comparing " +
      'and writing people, disabling the gone), memberships, searchKeys (computing and ' +
      'writing them), events (outbox rows), commit. Targets: a full run under ' +
      `${TARGETS.fullSeconds} s, 100 changes under ${TARGETS.incrementalSeconds} s.`,
    '',
    `| run | wall s | load | created | updated | moved | disabled | ${phaseNames.join(' | ')} |`,
    `| --- | --- | --- | --- | --- | --- | --- |${' --- |'.repeat(phaseNames.length)}`,
  ];
  for (const run of report.runs) {
    const { created, updated, moved, disabled } = run.counts;
    const phases = phaseNames.map((phase) => run.phases[phase] ?? '–').join(' | ');
    lines.push(
      `| ${run.name} | ${run.wallSeconds} | ${run.load} | ${created} | ${updated} | ${moved} | ` +
        `${disabled} | ${phases} |`,
    );
  }

  return lines.join('\n');
}

function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}

function nproc(): string {
  try {
    return execFileSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    return String(cpus().length);
  }
}

function slapdVersion(): string {
  // slapd -VV prints its version on standard error.
  const output = spawnSync('/usr/sbin/slapd', ['-VV'], { encoding: 'utf8' });
  const version = /slapd ([\d.]+)/.exec(`${output.stdout ?? ''}${output.stderr ?? ''}`);

  return version ? `OpenLDAP ${version[0]}` : 'OpenLDAP slapd';
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
