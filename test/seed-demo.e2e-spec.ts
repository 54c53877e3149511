// Seeding the demo organisation again, as a second `npm start` does, after its
// administrator has turned two-factor sign-in on: it signs no one in, finds
// everything the first seeding made and changes nothing.
import { Client } from 'pg';

import { databaseUrl } from '@confer/database';
import { databaseName, DEMO_ADMIN, DEMO_PASSWORD, DEMO_PEOPLE, seedDemo } from '@confer/stack';
import { testServers } from '@confer/testing';

import { ApiClient, Authenticator, expectStatus, useStack } from './support';

const servers = testServers();

/** What each seeding step writes, read straight from each app's database. */
const SNAPSHOT_QUERIES = {
  'auth-2fa': [
    `SELECT user_id, encode(password_hash, 'hex') AS hash, updated_at
     FROM local_credentials ORDER BY user_id`,
    'SELECT count(*)::int AS sessions FROM sessions',
  ],
  contacts: [
    'SELECT count(*)::int AS users FROM users',
    'SELECT count(*)::int AS runs FROM sync_runs',
    'SELECT * FROM directory_servers ORDER BY org_id',
  ],
  messaging: [
    'SELECT count(*)::int AS conversations FROM conversations',
    'SELECT id, client_message_id FROM messages ORDER BY id',
  ],
  discussion: ['SELECT id, topic, creator_id FROM discussions ORDER BY id'],
} as const;

describe('seedDemo on a seeded organisation', () => {
  const stack = useStack({ own: true });

  async function query(app: keyof typeof SNAPSHOT_QUERIES, sql: string): Promise<unknown[]> {
    const db = new Client({
      connectionString: databaseUrl(servers.postgresUrl, databaseName(stack().prefix, app)),
    });
    await db.connect();
    try {
      return (await db.query(sql)).rows;
    } finally {
      await db.end();
    }
  }

  async function snapshot(): Promise<Record<string, unknown[][]>> {
    const result: Record<string, unknown[][]> = {};
    for (const [app, queries] of Object.entries(SNAPSHOT_QUERIES)) {
      const key = app as keyof typeof SNAPSHOT_QUERIES;
      result[app] = await Promise.all(queries.map((sql) => query(key, sql)));
    }

    return result;
  }

  function seedAgain() {
    const { apps, prefix } = stack();

    return seedDemo({
      contactsGrpcUrl: apps.contacts.grpcUrl!,
      authGrpcUrl: apps['auth-2fa'].grpcUrl!,
      messagingGrpcUrl: apps.messaging.grpcUrl!,
      discussionGrpcUrl: apps.discussion.grpcUrl!,
      prefix,
    });
  }

  it('seeded the demo organisation without signing anyone in', async () => {
    expect(stack().seed.createdUsers).toBe(DEMO_PEOPLE.length);
    expect(await query('auth-2fa', 'SELECT device_name FROM sessions')).toEqual([]);
  });

  it('finds everything and changes nothing after the administrator turned two-factor on', async () => {
    const { gatewayUrl } = stack();
    const web = await ApiClient.login(gatewayUrl, DEMO_ADMIN.email, DEMO_PASSWORD);
    const phone = await ApiClient.login(gatewayUrl, DEMO_ADMIN.email, DEMO_PASSWORD);
    const enrolment = expectStatus(
      await web.post<{ otpauthUri: string }>('/auth/2fa/enrolment'),
      201,
    );
    const app = Authenticator.fromUri(enrolment.otpauthUri);
    expectStatus(
      await phone.post('/auth/2fa/binding', {
        bindingToken: app.bindingToken,
        deviceName: 'phone',
      }),
      200,
    );
    expectStatus(
      await web.post('/auth/2fa/enrolment/confirm', { code: await app.nextCode() }),
      200,
    );
    // The password alone no longer grants a session that may act.
    const signIn = await new ApiClient(gatewayUrl).post<{ secondFactor: string }>('/auth/login', {
      email: DEMO_ADMIN.email,
      password: DEMO_PASSWORD,
      deviceName: 'check',
    });
    expect(signIn.body.secondFactor).toBe('pending');
    const before = await snapshot();

    const again = await seedAgain();

    expect(again).toEqual({ ...stack().seed, createdUsers: 0 });
    expect(await snapshot()).toEqual(before);
  });
});
