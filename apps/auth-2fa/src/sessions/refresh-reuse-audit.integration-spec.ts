// The audit line of a reused refresh token, against the real PostgreSQL, NATS
// and Redis with the real contacts: the line names the session's user as the
// actor (whoever presented the spent token held that user's credentials), like
// every other line about a person's sessions.
import { connect } from 'nats';
import { Client } from 'pg';

import { databaseUrl } from '@confer/database';
import { serviceStream, SYSTEM_ACTOR } from '@confer/events';
import { SYSTEM_USER_ID, systemCaller } from '@confer/grpc';
import {
  conferFailure,
  dropDatabase,
  testServers,
  uniqueDatabaseName,
  uniqueToken,
} from '@confer/testing';

import { ContactsProcess, startContactsProcess } from '../../test/contacts-process';
import { MailBridgeProcess, startMailBridgeProcess } from '../../test/mail-bridge-process';
import { RunningAuth, startAuth } from '../../test/start-auth';
import { SessionsService } from './sessions.service';

jest.setTimeout(60_000);

const servers = testServers();
const system = systemCaller(SYSTEM_USER_ID, 'it-refresh-reuse');

interface AuditRow {
  actor_id: string;
  subject_user_id: string;
  action: string;
}

describe(`${SessionsService.name}: a reused refresh token in the audit trail`, () => {
  const prefix = uniqueToken('it');
  const databases = {
    contacts: uniqueDatabaseName('reuse_it_contacts'),
    mail: uniqueDatabaseName('reuse_it_mail'),
    auth: uniqueDatabaseName('reuse_it'),
  };
  let contacts: ContactsProcess;
  // Login asks mail-bridge whether the address belongs to a mail domain first.
  let mailBridge: MailBridgeProcess;
  let authApp: RunningAuth;
  let db: Client;
  let orgId: string;
  let userId: string;

  beforeAll(async () => {
    contacts = await startContactsProcess({
      POSTGRES_URL: servers.postgresUrl,
      DATABASE_NAME: databases.contacts,
      NATS_URL: servers.natsUrl,
      NATS_PREFIX: prefix,
    });
    mailBridge = await startMailBridgeProcess({
      POSTGRES_URL: servers.postgresUrl,
      DATABASE_NAME: databases.mail,
      NATS_URL: servers.natsUrl,
      NATS_PREFIX: prefix,
    });
    authApp = await startAuth({
      POSTGRES_URL: servers.postgresUrl,
      DATABASE_NAME: databases.auth,
      NATS_URL: servers.natsUrl,
      NATS_PREFIX: prefix,
      REDIS_URL: servers.redisUrl,
      CONTACTS_GRPC_URL: contacts.grpcUrl,
      MAIL_BRIDGE_GRPC_URL: mailBridge.grpcUrl,
      HTTP_PORT: '0',
    });
    db = new Client({ connectionString: databaseUrl(servers.postgresUrl, databases.auth) });
    await db.connect();
    orgId = (
      await contacts.client.createOrganisation(system, {
        name: 'Reuse Ltd',
        domain: 'reuse.confer.test',
        id: '',
      })
    ).id;
    userId = (
      await contacts.client.createUser(system, {
        orgId,
        email: 'erin@reuse.confer.test',
        displayName: 'Erin',
        roles: [],
      })
    ).id;
    await authApp.client.setPassword(system, { userId, password: 'erin-local-password' });
  });

  afterAll(async () => {
    await db?.end();
    await authApp?.close();
    await Promise.all([contacts?.stop(), mailBridge?.stop()]);
    const cleanup = await connect({ servers: servers.natsUrl });
    const jsm = await cleanup.jetstreamManager();
    for (const service of ['contacts', 'auth-2fa', 'mail-bridge']) {
      await jsm.streams.delete(serviceStream(prefix, service).name).catch(() => undefined);
    }
    await cleanup.close();
    for (const database of Object.values(databases)) {
      await dropDatabase(servers.postgresUrl, database);
    }
  });

  async function trailOf(sessionId: string): Promise<AuditRow[]> {
    const { rows } = await db.query<AuditRow>(
      `SELECT actor_id, subject_user_id, action FROM audit_entries
       WHERE org_id = $1 AND details->>'sessionId' = $2 ORDER BY occurred_at`,
      [orgId, sessionId],
    );

    return rows;
  }

  async function waitForAction(sessionId: string, action: string): Promise<AuditRow[]> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const rows = await trailOf(sessionId);
      if (rows.some((row) => row.action === action) || Date.now() > deadline) {
        return rows;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('names the session user as the actor of session.refresh_reused', async () => {
    const first = await authApp.client.login(system, {
      email: 'erin@reuse.confer.test',
      password: 'erin-local-password',
      deviceName: 'laptop',
      clientIp: '192.0.2.7',
      client: 'jest',
    });
    await authApp.client.refresh(system, {
      refreshToken: first.refreshToken,
      clientIp: '',
      client: '',
    });

    const reused = await conferFailure(
      authApp.client.refresh(system, {
        refreshToken: first.refreshToken,
        clientIp: '',
        client: '',
      }),
    );

    expect(reused.code).toBe('auth.refresh_reused');
    const trail = await waitForAction(first.sessionId, 'session.refresh_reused');
    const line = trail.find((row) => row.action === 'session.refresh_reused');
    expect(line).toEqual({
      actor_id: userId,
      subject_user_id: userId,
      action: 'session.refresh_reused',
    });
    expect(trail.map((row) => row.actor_id)).not.toContain(SYSTEM_ACTOR);
  });
});
