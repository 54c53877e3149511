#!/usr/bin/env node
import 'reflect-metadata';

import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

import { ENTITIES } from '@confer/contacts/dist/entities';
import { MIGRATIONS } from '@confer/contacts/dist/migrations';
import { PeopleSearchService } from '@confer/contacts/dist/people-search/people-search.service';
import { databaseUrl, dataSourceOptions, ensureDatabase, runMigrations } from '@confer/database';
import { Caller } from '@confer/grpc';
import { contacts } from '@confer/proto';
import {
  dropDatabase,
  spawnBuiltApp,
  testGrpcClient,
  uniqueDatabaseName,
  uniqueToken,
  writeSection,
} from '@confer/testing';

import { loadPopulation } from './load';
import { KindSummary, measure, Search } from './measure';
import { generatePopulation } from './population';
import { benchQueries, BenchQuery } from './queries';

const USAGE = `Usage: npm run bench:search -- [options]

Generates directories of the given sizes into contacts databases made for the
benchmark (dropped after), then measures people search on each: through
PeopleSearchService in this process, and through the contacts gRPC call of
the built app (build first: npx tsc -b apps/contacts bench/people-search).

Options:
  --people N,N     directory sizes (default 100000,1000000)
  --queries N      measured searches per size, spread over the query kinds (default 4000)
  --warmup N       unmeasured searches first (default 400)
  --no-grpc        measure the service only
  --keep           keep the databases (their names are printed)
  --reuse NAME     measure a database kept by --keep (one size, the one it was made with)
  --no-write       do not update docs/benchmarks.md
`;

const ROOT = join(__dirname, '..', '..', '..');
const RESULTS = join(ROOT, 'docs', 'benchmarks.md');
const SEARCH_LIMIT = 20;
/** Databases made by this run and not yet dropped. */
const unfinished = new Set<string>();

interface SizeReport {
  people: number;
  keys: number;
  loadSeconds: number;
  /** One-minute load average before and after the measured searches: the machine is shared. */
  load: [number, number];
  /** A `SELECT 1` round trip on the same pool, measured the same way: what the machine allows. */
  floor: KindSummary;
  direct: KindSummary[];
  grpc?: KindSummary[];
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      people: { type: 'string', default: '100000,1000000' },
      queries: { type: 'string', default: '4000' },
      warmup: { type: 'string', default: '400' },
      'no-grpc': { type: 'boolean', default: false },
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
  // Only the report goes to stdout; the migrations' log lines would interleave with it.
  Logger.overrideLogger(['error', 'warn']);
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  const servers = {
    postgresUrl: process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
  // An interrupted run still drops the database it was filling.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      progress(`${signal}: dropping ${[...unfinished].join(', ') || 'nothing'}`);
      void Promise.all(
        [...unfinished].map((name) => dropDatabase(servers.postgresUrl, name)),
      ).finally(() => process.exit(130));
    });
  }
  const sizes = values.people!.split(',').map((size) => Number(size.trim()));
  const reports: SizeReport[] = [];
  for (const size of sizes) {
    reports.push(
      await benchSize(size, {
        ...servers,
        queries: Number(values.queries),
        warmup: Number(values.warmup),
        grpc: !values['no-grpc'],
        keep: values.keep! || values.reuse !== undefined,
        reuse: values.reuse,
        progress,
      }),
    );
  }
  process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
  if (!values['no-write']) {
    writeSection(RESULTS, 'bench:search', await markdown(reports, servers.postgresUrl));
  }

  return 0;
}

async function benchSize(
  size: number,
  options: {
    postgresUrl: string;
    natsUrl: string;
    redisUrl: string;
    queries: number;
    warmup: number;
    grpc: boolean;
    keep: boolean;
    reuse?: string;
    progress: (line: string) => void;
  },
): Promise<SizeReport> {
  const { progress } = options;
  const database = options.reuse ?? uniqueDatabaseName(`bench_search_${size}`);
  let orgId: string = randomUUID();
  progress(`${size} people into database ${database}`);
  if (!options.reuse) {
    unfinished.add(database);
  }
  await ensureDatabase(options.postgresUrl, database);
  const dataSource = new DataSource(
    dataSourceOptions({
      url: options.postgresUrl,
      database,
      poolSize: 4,
      migrateOnStart: true,
      entities: ENTITIES,
      migrations: MIGRATIONS,
    }),
  );
  const db = new Client({ connectionString: databaseUrl(options.postgresUrl, database) });
  // Dropping the database on an interrupt ends this connection; that is not a failure.
  db.on('error', () => undefined);
  try {
    await dataSource.initialize();
    await runMigrations(dataSource);
    await db.connect();
    const started = Date.now();
    progress('generating people and their search keys');
    // The same seed makes the same people: a reused database holds this population.
    const population = generatePopulation(size);
    const keys = population.people.reduce((sum, person) => sum + person.keys.length, 0);
    if (options.reuse) {
      orgId = (await db.query<{ id: string }>('SELECT id FROM organisations')).rows[0].id;
    } else {
      progress(`writing ${population.people.length} people, ${keys} search keys`);
      await loadPopulation(db, orgId, population, progress);
    }
    const loadSeconds = Math.round((Date.now() - started) / 1000);
    const queries = benchQueries(population.people, options.warmup + options.queries);
    population.people.length = 0;

    const caller = (query: BenchQuery): Caller => ({
      userId: query.viewerId,
      orgId,
      roles: [],
      correlationId: 'bench-search',
    });
    const loadBefore = loadavg()[0];
    const service = new PeopleSearchService(dataSource);
    progress('measuring PeopleSearchService');
    const direct = await measure(
      async (query) =>
        (await service.search(caller(query), orgId, query.text, SEARCH_LIMIT)).length,
      queries,
      options.warmup,
    );
    progress('measuring a SELECT 1 round trip for scale');
    const [floor] = await measure(
      async () => {
        await dataSource.query('SELECT 1');

        return 0;
      },
      queries,
      options.warmup,
    );
    let grpc: KindSummary[] | undefined;
    if (options.grpc) {
      progress('measuring the contacts gRPC call');
      grpc = await measureGrpc(database, orgId, queries, caller, options);
    }

    const load: [number, number] = [round(loadBefore), round(loadavg()[0])];

    return { people: size, keys, loadSeconds, load, floor, direct, grpc };
  } finally {
    await db.end().catch(() => undefined);
    if (dataSource.isInitialized) {
      await dataSource.destroy();
    }
    if (options.keep) {
      progress(`kept database ${database}`);
    } else {
      await dropDatabase(options.postgresUrl, database);
    }
    unfinished.delete(database);
  }
}

async function measureGrpc(
  database: string,
  orgId: string,
  queries: BenchQuery[],
  caller: (query: BenchQuery) => Caller,
  options: { postgresUrl: string; natsUrl: string; redisUrl: string; warmup: number },
): Promise<KindSummary[]> {
  const app = await spawnBuiltApp('contacts', {
    POSTGRES_URL: options.postgresUrl,
    DATABASE_NAME: database,
    NATS_URL: options.natsUrl,
    NATS_PREFIX: uniqueToken('bench'),
    REDIS_URL: options.redisUrl,
  });
  const { client, close } = testGrpcClient<contacts.ContactsServiceClient>('contacts', app.grpcUrl);
  try {
    const search: Search = async (query) =>
      (await client.searchPeople(caller(query), { orgId, query: query.text, limit: SEARCH_LIMIT }))
        .items.length;

    return await measure(search, queries, options.warmup);
  } finally {
    close();
    await app.stop();
  }
}

async function markdown(reports: SizeReport[], postgresUrl: string): Promise<string> {
  const db = new Client({ connectionString: postgresUrl });
  await db.connect();
  const postgres = (await db.query<{ server_version: string }>('SHOW server_version')).rows[0]
    .server_version;
  await db.end();
  const cpu = cpus()[0]?.model?.trim() ?? 'unknown CPU';
  const lines = [
    '### People search (`npm run bench:search`)',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)}, nproc ${nproc()}, ${cpu}, ` +
      `${Math.round(totalmem() / 1024 ** 3)} GiB, Node ${process.version}, PostgreSQL ${postgres} ` +
      '(default settings), everything on one machine.',
    '',
    `One searching person at a time, ${SEARCH_LIMIT} results per search, a random active ` +
      'person as the viewer of each; the first searches unmeasured. "service" is ' +
      'PeopleSearchService in the benchmark process, "gRPC" the built contacts app called ' +
      'over loopback. Latencies in milliseconds.',
  ];
  for (const report of reports) {
    lines.push(
      '',
      `**${report.people.toLocaleString('en')} people** (${report.keys.toLocaleString('en')} search keys, ` +
        `written and indexed in ${report.loadSeconds} s; one-minute load average ` +
        `${report.load[0]} before and ${report.load[1]} after the measured searches)`,
      '',
      '| query kind | searches | mean hits | service p50 | p99 | max | gRPC p50 | p99 | max |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const row of report.direct) {
      const grpc = report.grpc?.find((other) => other.kind === row.kind);
      lines.push(
        `| ${row.kind} | ${row.count} | ${row.meanHits} | ${row.p50} | ${row.p99} | ${row.max} | ` +
          `${grpc ? `${grpc.p50} | ${grpc.p99} | ${grpc.max}` : '– | – | –'} |`,
      );
    }
    lines.push(
      `| (for scale: \`SELECT 1\` round trip) | ${report.floor.count} | – | ${report.floor.p50} | ` +
        `${report.floor.p99} | ${report.floor.max} | – | – | – |`,
    );
  }

  return lines.join('\n');
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function nproc(): string {
  try {
    return execFileSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    return String(cpus().length);
  }
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
