import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { transformFileSync } from '@swc/core';
import { connect, JetStreamClient, JetStreamManager, NatsConnection } from 'nats';
import { DataSource } from 'typeorm';

import { openDataSource } from '@confer/database';
import { dropDatabase, testServers, uniqueDatabaseName, uniqueToken } from '@confer/testing';

import { DurableConsumer } from './durable-consumer';
import { OutboxRelay } from './outbox-relay';
import { createOutboxTables, writeOutbox } from './outbox';
import { ensureStream, eventSubject, serviceStream } from './streams';

const servers = testServers();
const TOTAL = 2_000;
const PER_TRANSACTION = 50;
const REPO_ROOT = join(__dirname, '..', '..', '..');

/**
 * The relay child runs the built libraries, so it is compiled here from its
 * TypeScript into a git-ignored dist folder next to it (npm test builds the
 * libraries first).
 */
function compileRelayChild(): string {
  const source = join(__dirname, '..', 'test', 'outbox-relay-child.ts');
  const outDir = join(__dirname, '..', 'test', 'dist');
  const swcOptions = JSON.parse(readFileSync(join(REPO_ROOT, '.swcrc'), 'utf8'));
  delete swcOptions.$schema;
  mkdirSync(outDir, { recursive: true });
  const output = join(outDir, 'outbox-relay-child.js');
  writeFileSync(output, transformFileSync(source, { ...swcOptions, swcrc: false }).code);

  return output;
}

/** Starts the relay child and resolves once it says it is relaying. */
function startRelayChild(program: string, database: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [program, servers.postgresUrl, database, servers.natsUrl], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });

  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`relay child exited with ${code} before ready`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) {
        child.removeAllListeners('exit');
        resolve(child);
      }
    });
  });
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe(OutboxRelay.name, () => {
  const database = uniqueDatabaseName('outbox_crash');
  const prefix = uniqueToken('outbox');
  const stream = serviceStream(prefix, 'crash');
  const subject = eventSubject(prefix, 'crash', 'thing.happened');
  const flakySubject = eventSubject(prefix, 'crash', 'flaky.happened');
  // Events of the leadership tests go to a stream of their own, so the crash test's count holds.
  const leadStream = serviceStream(prefix, 'lead');
  const leadSubject = eventSubject(prefix, 'lead', 'thing.happened');
  let dataSource: DataSource;
  let nats: NatsConnection;
  let manager: JetStreamManager;
  let relayProgram: string;
  const children: ChildProcess[] = [];
  const consumers: DurableConsumer<unknown>[] = [];

  beforeAll(async () => {
    relayProgram = compileRelayChild();
    dataSource = await openDataSource(
      {
        url: servers.postgresUrl,
        database,
        poolSize: 8,
        migrateOnStart: false,
        entities: [],
        migrations: [],
      },
      false,
    );
    const runner = dataSource.createQueryRunner();
    await createOutboxTables(runner);
    // No key on purpose: a doubled effect shows up as a second row.
    await runner.query('CREATE TABLE effects (consumer text NOT NULL, event_id text NOT NULL)');
    await runner.release();
    nats = await connect({ servers: servers.natsUrl });
    manager = await nats.jetstreamManager();
    await ensureStream(manager, stream);
    await ensureStream(manager, leadStream);
  }, 30_000);

  afterAll(async () => {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    await Promise.all(children.filter(isRunning).map(killed));
    await manager?.streams.delete(stream.name).catch(() => undefined);
    await manager?.streams.delete(leadStream.name).catch(() => undefined);
    await nats?.close();
    await dataSource?.destroy();
    await dropDatabase(servers.postgresUrl, database);
  }, 30_000);

  function startConsumer(
    durable: string,
    filterSubject: string,
    handle: (id: string) => void = () => undefined,
  ) {
    const consumer = new DurableConsumer<{ n: number }>(dataSource, nats.jetstream(), manager, {
      stream: stream.name,
      durable,
      filterSubjects: [filterSubject],
      handle: async (event, transaction) => {
        handle(event.id);
        await transaction.query('INSERT INTO effects (consumer, event_id) VALUES ($1, $2)', [
          durable,
          event.id,
        ]);
      },
    });
    consumers.push(consumer);

    return consumer.start();
  }

  async function effects(durable: string): Promise<{ total: number; distinct: number }> {
    const [row] = await dataSource.query(
      `SELECT count(*)::int AS total, count(DISTINCT event_id)::int AS distinct
       FROM effects WHERE consumer = $1`,
      [durable],
    );

    return row;
  }

  /** Server processes of this database's connections named for a lock, with what they hold. */
  async function lockConnections(lockName: string) {
    return dataSource.query(
      `SELECT a.pid, a.state, a.backend_xid::text AS xid,
         EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory') AS holds
       FROM pg_stat_activity a WHERE a.datname = current_database() AND a.application_name = $1`,
      [lockName],
    ) as Promise<{ pid: number; state: string; xid: string | null; holds: boolean }[]>;
  }

  it('holds no transaction while it waits for JetStream to acknowledge a page', async () => {
    let release: () => void = () => undefined;
    const acknowledged = new Promise<void>((resolve) => {
      release = resolve;
    });
    let published = 0;
    const slowJetStream = {
      publish: async () => {
        published += 1;
        await acknowledged;
      },
    } as unknown as JetStreamClient;
    const relay = new OutboxRelay(dataSource, slowJetStream, {
      idlePollMs: 10,
      lockName: 'test.slow',
    });
    relay.start();
    try {
      await dataSource.transaction((transaction) =>
        writeOutbox(transaction, [{ subject: leadSubject, payload: { n: 1 } }]),
      );
      relay.notify();
      await waitFor(async () => published > 0, 10_000);

      const [leader] = (await lockConnections('test.slow')).filter((c) => c.holds);
      expect(leader).toMatchObject({ state: 'idle', xid: null });
      release();
      await waitFor(
        async () => (await dataSource.query('SELECT count(*)::int AS n FROM outbox'))[0].n === 0,
        10_000,
      );
    } finally {
      release();
      await relay.stop();
    }
  }, 30_000);

  it('lets a standby take over when the leading relay loses its lock connection', async () => {
    const options = { idlePollMs: 10, standbyPollMs: 50, lockName: 'test.failover' };
    const first = new OutboxRelay(dataSource, nats.jetstream(), options);
    const second = new OutboxRelay(dataSource, nats.jetstream(), options);
    first.start();
    try {
      await waitFor(async () => first.leading, 10_000);
      second.start();
      const before = (await manager.streams.info(leadStream.name)).state.messages;

      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(second.leading).toBe(false);
      const [held] = (await lockConnections('test.failover')).filter((c) => c.holds);
      await dataSource.query('SELECT pg_terminate_backend($1)', [held.pid]);
      await waitFor(async () => second.leading, 10_000);
      await dataSource.transaction((transaction) =>
        writeOutbox(transaction, [{ subject: leadSubject, payload: { n: 2 } }]),
      );
      await waitFor(
        async () => (await manager.streams.info(leadStream.name)).state.messages === before + 1,
        10_000,
      );

      expect(first.leading).toBe(false);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  }, 30_000);

  it('delivers every event of a burst exactly once when the relay is killed mid-burst', async () => {
    await startConsumer('crash_counter', subject);
    children.push(await startRelayChild(relayProgram, database));
    const written: string[] = [];
    for (let batch = 0; batch < TOTAL / PER_TRANSACTION; batch += 1) {
      const ids = await dataSource.transaction((transaction) =>
        writeOutbox(
          transaction,
          Array.from({ length: PER_TRANSACTION }, (_, i) => ({
            subject,
            payload: { n: batch * PER_TRANSACTION + i },
          })),
        ),
      );
      written.push(...ids);
      if (written.length === TOTAL * 0.4) {
        // The relay is busy with earlier batches: kill it without warning.
        await killed(children[children.length - 1]);
      }
      if (written.length === TOTAL * 0.6) {
        children.push(await startRelayChild(relayProgram, database));
      }
    }

    await waitFor(async () => (await effects('crash_counter')).total >= TOTAL, 45_000);
    // Give a late duplicate the chance to arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    expect(await effects('crash_counter')).toEqual({ total: TOTAL, distinct: TOTAL });
    const [handled] = await dataSource.query(
      'SELECT count(*)::int AS n FROM handled_events WHERE consumer = $1 AND event_id = ANY($2)',
      ['crash_counter', written],
    );
    expect(handled.n).toBe(TOTAL);
    expect((await manager.streams.info(stream.name)).state.messages).toBe(TOTAL);
    const [left] = await dataSource.query('SELECT count(*)::int AS n FROM outbox');
    expect(left.n).toBe(0);
  }, 90_000);

  it('handles an event once after its handler failed on the first delivery', async () => {
    const attempts = new Map<string, number>();
    await startConsumer('flaky', flakySubject, (id) => {
      const seen = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, seen);
      if (seen === 1) {
        throw new Error('handler failed on purpose');
      }
    });
    const relay = new OutboxRelay(dataSource, nats.jetstream(), { idlePollMs: 10 });
    relay.start();
    const [id] = await dataSource.transaction((transaction) =>
      writeOutbox(transaction, [{ subject: flakySubject, payload: { n: -1 } }]),
    );
    relay.notify();

    await waitFor(async () => {
      const [row] = await dataSource.query(
        `SELECT count(*)::int AS n FROM effects WHERE consumer = 'flaky' AND event_id = $1`,
        [id],
      );

      return row.n > 0;
    }, 20_000);
    await relay.stop();
    await new Promise((resolve) => setTimeout(resolve, 500));

    expect(attempts.get(id)).toBe(2);
    const [row] = await dataSource.query(
      `SELECT count(*)::int AS n FROM effects WHERE consumer = 'flaky' AND event_id = $1`,
      [id],
    );
    expect(row.n).toBe(1);
  }, 30_000);
});
