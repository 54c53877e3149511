import { randomUUID } from 'node:crypto';

import { Client as PgClient } from 'pg';

import { Caller, systemCaller } from '@confer/grpc';
import {
  dropDatabase,
  resetDirectory,
  testDirectoryServer,
  testServers,
  uniqueDatabaseName,
  uniqueToken,
} from '@confer/testing';

import { FixtureDirectory, fixtureDirectory } from './fixture-directory';
import { RunningContacts, startContacts } from './start-contacts';

/** An organisation whose directory is the test LDAP server, freshly reset, not yet synced. */
export interface DirectoryOrganisation {
  orgId: string;
  prefix: string;
  system: Caller;
  /** The environment the app was started with, for starting variants of it. */
  env: Record<string, string>;
  app: RunningContacts;
  /** A connection to the app's own database. */
  db: PgClient;
  fixture: FixtureDirectory;
  departmentsBase: string;
  peopleBase: string;
}

/**
 * Registers beforeAll/afterAll hooks that reset the test directory, start contacts on a
 * database of its own and create the organisation the directory belongs to; the returned
 * object is filled in once beforeAll has run.
 */
export function useDirectoryOrganisation(name: string): DirectoryOrganisation {
  const servers = testServers();
  const directory = testDirectoryServer();
  const database = uniqueDatabaseName(name);
  const orgId = randomUUID();
  const prefix = uniqueToken('it');
  const known: Omit<DirectoryOrganisation, 'app' | 'db' | 'fixture'> = {
    orgId,
    prefix,
    system: systemCaller(orgId, name),
    env: {
      POSTGRES_URL: servers.postgresUrl,
      DATABASE_NAME: database,
      NATS_URL: servers.natsUrl,
      NATS_PREFIX: prefix,
      LDAP_ORG_ID: orgId,
      LDAP_URL: directory.url,
      LDAP_BIND_DN: directory.bindDn,
      LDAP_BIND_PASSWORD: directory.password,
    },
    departmentsBase: `ou=org,${directory.baseDn}`,
    peopleBase: `ou=people,${directory.baseDn}`,
  };
  const context = known as DirectoryOrganisation;

  beforeAll(async () => {
    await resetDirectory();
    context.fixture = fixtureDirectory(directory.ldifPath, context.departmentsBase);
    context.app = await startContacts(context.env);
    await context.app.client.createOrganisation(context.system, {
      id: orgId,
      name: '示例科技有限公司',
      domain: 'example.cn',
    });
    const url = new URL(servers.postgresUrl);
    url.pathname = `/${database}`;
    context.db = new PgClient({ connectionString: url.toString() });
    await context.db.connect();
  });

  afterAll(async () => {
    await context.app?.close();
    await context.db?.end();
    await dropDatabase(servers.postgresUrl, database);
    await resetDirectory();
  });

  return context;
}
