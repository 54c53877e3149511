import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';

import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientGrpcProxy, ClientProxyFactory, MicroserviceOptions } from '@nestjs/microservices';
import { connect, NatsConnection } from 'nats';
import { Client } from 'pg';

import { databaseUrl } from '@confer/database';
import { serviceStream } from '@confer/events';
import {
  Caller,
  GrpcContextInterceptor,
  GrpcErrorFilter,
  grpcClientOptions,
  grpcServerOptions,
  PROTO_LOADER_OPTIONS,
  serviceClient,
  ServiceClient,
} from '@confer/grpc';
import { GRPC_SERVICES, messaging } from '@confer/proto';
import { dropDatabase, testServers, uniqueDatabaseName, uniqueToken } from '@confer/testing';

import { AppModule } from '../src/app.module';
import { loadMessagingConfig } from '../src/config';

export type UserStatus = 'USER_STATUS_ACTIVE' | 'USER_STATUS_DISABLED';

export interface MessagingHarness {
  app: INestApplication;
  client: ServiceClient<messaging.MessagingServiceClient>;
  /** A direct connection to the app's database, for asserting what was (not) written. */
  db: Client;
  nats: NatsConnection;
  prefix: string;
  database: string;
  orgId: string;
  /** Registers an active user in the directory double and returns their caller. */
  user(status?: UserStatus): Caller;
  caller(userId: string): Caller;
  /** Makes the directory double refuse this user group creation (MayCreateGroup). */
  denyGroupCreation(userId: string): void;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  /** Another replica of this deployment: same database, NATS prefix, organisation and directory. */
  join?: MessagingHarness;
}

/** What replicas of one deployment share; kept out of the public harness. */
const deployments = new WeakMap<
  MessagingHarness,
  { directory: Map<string, UserStatus>; groupCreationDenied: Set<string>; contactsPort: number }
>();

/**
 * Starts a real messaging app (gRPC server, its own database and NATS prefix)
 * against the local PostgreSQL and NATS. The contacts service it depends on
 * is a small real gRPC server implementing ContactsService.GetUsers from an
 * in-memory list: a test double of another service's contract, so these
 * tests need no contacts deployment.
 */
export async function startMessaging(options: HarnessOptions = {}): Promise<MessagingHarness> {
  const servers = testServers();
  const joined = options.join;
  const shared = joined ? deployments.get(joined) : undefined;
  const database = joined?.database ?? uniqueDatabaseName('messaging_test');
  const prefix = joined?.prefix ?? uniqueToken('msg').toLowerCase();
  const orgId = joined?.orgId ?? randomUUID();
  const directory = shared?.directory ?? new Map<string, UserStatus>();
  const groupCreationDenied = shared?.groupCreationDenied ?? new Set<string>();
  const contacts = shared ? undefined : await startContactsDouble(directory, groupCreationDenied);
  const contactsPort = shared?.contactsPort ?? contacts!.port;
  const port = await freePort();
  const config = loadMessagingConfig({
    POSTGRES_URL: servers.postgresUrl,
    NATS_URL: servers.natsUrl,
    DATABASE_NAME: database,
    NATS_PREFIX: prefix,
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: String(port),
    CONTACTS_GRPC_URL: `127.0.0.1:${contactsPort}`,
    LOG_LEVEL: 'error',
    ...options.env,
  });
  const app: INestApplication = await NestFactory.create(AppModule.forRoot(config), {
    logger: ['error', 'warn'],
  });
  // Filters and interceptors first: connectMicroservice binds the configuration it sees.
  app.useGlobalFilters(new GrpcErrorFilter());
  app.useGlobalInterceptors(new GrpcContextInterceptor());
  app.connectMicroservice<MicroserviceOptions>(
    grpcServerOptions('messaging', `127.0.0.1:${port}`),
    {
      inheritAppConfig: true,
    },
  );
  await app.startAllMicroservices();
  await app.init();
  const proxy = ClientProxyFactory.create(
    grpcClientOptions('messaging', `127.0.0.1:${port}`),
  ) as ClientGrpcProxy;
  const client = serviceClient<messaging.MessagingServiceClient>(proxy, 'messaging');
  const db = new Client({ connectionString: databaseUrl(servers.postgresUrl, database) });
  await db.connect();
  const nats = await connect({ servers: servers.natsUrl });
  const caller = (userId: string): Caller => ({
    userId,
    orgId,
    roles: [],
    correlationId: randomUUID(),
  });

  const harness: MessagingHarness = {
    app,
    client,
    db,
    nats,
    prefix,
    database,
    orgId,
    caller,
    user(status: UserStatus = 'USER_STATUS_ACTIVE') {
      const id = randomUUID();
      directory.set(id, status);

      return caller(id);
    },
    denyGroupCreation(userId: string) {
      groupCreationDenied.add(userId);
    },
    async close() {
      proxy.close();
      await app.close();
      await db.end();
      if (!contacts) {
        await nats.drain();

        return;
      }
      contacts.server.forceShutdown();
      const jsm = await nats.jetstreamManager();
      await jsm.streams.delete(serviceStream(prefix, 'messaging').name).catch(() => undefined);
      await nats.drain();
      await dropDatabase(servers.postgresUrl, database);
    },
  };
  deployments.set(harness, { directory, groupCreationDenied, contactsPort });

  return harness;
}

async function startContactsDouble(
  directory: Map<string, UserStatus>,
  groupCreationDenied: Set<string>,
): Promise<{ server: grpc.Server; port: number }> {
  const definition = protoLoader.loadSync(GRPC_SERVICES.contacts.file, PROTO_LOADER_OPTIONS);
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    confer: { contacts: { v1: { ContactsService: grpc.ServiceClientConstructor } } };
  };
  const getUsers: grpc.handleUnaryCall<{ userIds: string[] }, unknown> = (call, callback) => {
    const items = (call.request.userIds ?? [])
      .filter((id) => directory.has(id))
      .map((id) => ({ id, status: directory.get(id), email: `${id}@example.test` }));
    callback(null, { items });
  };
  const mayCreateGroup: grpc.handleUnaryCall<{ userId: string }, unknown> = (call, callback) => {
    const allowed = !groupCreationDenied.has(call.request.userId);
    callback(null, {
      allowed,
      policy: allowed ? 'GROUP_CREATION_POLICY_EVERYONE' : 'GROUP_CREATION_POLICY_DEPARTMENTS',
    });
  };
  const server = new grpc.Server();
  server.addService(loaded.confer.contacts.v1.ContactsService.service, {
    GetUsers: getUsers,
    getUsers,
    MayCreateGroup: mayCreateGroup,
    mayCreateGroup,
  } as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );

  return { server, port };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The stable code of the ConferError a call failed with. */
export async function errorCode(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return (error as { code?: string }).code ?? 'no code';
  }

  return 'no error';
}

/** Polls until `check` passes or the time is up (the change-stream horizon can lag a moment). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
