import { randomUUID } from 'node:crypto';

import { connect, JetStreamManager, NatsConnection } from 'nats';
import { Client as PgClient } from 'pg';

import { serviceStream } from '@confer/events';
import { Caller, systemCaller } from '@confer/grpc';
import { dropDatabase, testServers, uniqueDatabaseName, uniqueToken } from '@confer/testing';

import { RunningContacts, startContacts } from './start-contacts';

/** An organisation made as the platform makes one, and a way to add its people. */
export interface TestOrganisation {
  id: string;
  /** The platform acting in this organisation. */
  system: Caller;
  /** Creates a person `<local>@<domain>` and resolves to their id. */
  person(local: string, roles?: string[], displayName?: string): Promise<string>;
}

/** A contacts app of its own, and what a spec needs around it; filled in once beforeAll has run. */
export interface ContactsHarness {
  prefix: string;
  app: RunningContacts;
  nats: NatsConnection;
  jsm: JetStreamManager;
  /** A connection to the app's own database. */
  db: PgClient;
  /** Creates an organisation for `domain`; its calls carry `correlationId`. */
  organisation(name: string, domain: string, correlationId?: string): Promise<TestOrganisation>;
  /**
   * The payloads published under `<prefix>.contacts.<event>` (all of them
   * without an event), once the outbox relay has drained the outbox.
   */
  published(event?: string): Promise<Record<string, unknown>[]>;
}

/**
 * Registers beforeAll/afterAll hooks that start contacts on a database and a
 * NATS prefix of its own and connect to both, then close everything and
 * remove the database and the stream. Register it before the spec's own
 * hooks, which can then use it.
 */
export function useContacts(databaseName: string): ContactsHarness {
  const servers = testServers();
  const database = uniqueDatabaseName(databaseName);
  const harness = { prefix: uniqueToken('it') } as ContactsHarness;

  harness.organisation = async (name, domain, correlationId = 'it-contacts') => {
    const id = (
      await harness.app.client.createOrganisation(systemCaller(randomUUID(), correlationId), {
        name,
        domain,
        id: '',
      })
    ).id;
    const system = systemCaller(id, correlationId);
    const person = async (local: string, roles: string[] = [], displayName = local) =>
      (
        await harness.app.client.createUser(system, {
          orgId: id,
          email: `${local}@${domain}`,
          displayName,
          roles,
        })
      ).id;

    return { id, system, person };
  };

  harness.published = async (event) => {
    const { db, jsm, nats, prefix } = harness;
    const deadline = Date.now() + 10_000;
    while ((await db.query('SELECT 1 FROM outbox LIMIT 1')).rows.length > 0) {
      if (Date.now() > deadline) {
        throw new Error('the outbox relay did not drain the outbox');
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const stream = serviceStream(prefix, 'contacts').name;
    const info = await jsm.streams.info(stream);
    if (info.state.messages === 0) {
      return [];
    }
    const consumer = await nats.jetstream().consumers.get(stream);
    const batch = await consumer.fetch({ max_messages: info.state.messages, expires: 2_000 });
    const payloads: Record<string, unknown>[] = [];
    for await (const message of batch) {
      if (!event || message.subject === `${prefix}.contacts.${event}`) {
        payloads.push(message.json<Record<string, unknown>>());
      }
      if (message.info.pending === 0) {
        break;
      }
    }

    return payloads;
  };

  beforeAll(async () => {
    harness.app = await startContacts({
      POSTGRES_URL: servers.postgresUrl,
      DATABASE_NAME: database,
      NATS_URL: servers.natsUrl,
      NATS_PREFIX: harness.prefix,
    });
    harness.nats = await connect({ servers: servers.natsUrl });
    harness.jsm = await harness.nats.jetstreamManager();
    const url = new URL(servers.postgresUrl);
    url.pathname = `/${database}`;
    harness.db = new PgClient({ connectionString: url.toString() });
    await harness.db.connect();
  });

  afterAll(async () => {
    await harness.db?.end();
    await harness.app?.close();
    await harness.jsm?.streams
      .delete(serviceStream(harness.prefix, 'contacts').name)
      .catch(() => undefined);
    await harness.nats?.close();
    await dropDatabase(servers.postgresUrl, database);
  });

  return harness;
}
