/**
 * An outbox relay in a process of its own, for the crash test in
 * outbox.integration-spec.ts: the test SIGKILLs it mid-burst and starts it
 * again. It runs the built libraries (libs/<name>/dist), like an app does.
 *
 * Arguments: POSTGRES_URL DATABASE_NAME NATS_URL. Prints "ready" once relaying.
 */
import { connect } from 'nats';

import { openDataSource } from '@confer/database';
import { OutboxRelay } from '@confer/events';

async function main(): Promise<void> {
  const [postgresUrl, database, natsUrl] = process.argv.slice(2);
  const dataSource = await openDataSource(
    {
      url: postgresUrl,
      database,
      poolSize: 4,
      migrateOnStart: false,
      entities: [],
      migrations: [],
    },
    false,
  );
  const nats = await connect({ servers: natsUrl, name: 'outbox-relay-child' });
  // Small batches and a short poll, so a kill lands between publishing a batch and committing it.
  const relay = new OutboxRelay(dataSource, nats.jetstream(), { batchSize: 50, idlePollMs: 10 });
  relay.start();
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    void relay
      .stop()
      .then(() => Promise.all([nats.drain(), dataSource.destroy()]))
      .then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`relay child failed: ${String(error)}\n`);
  process.exit(1);
});
