// Sessions end to end inside auth-2fa: mail-account login against the real
// Dovecot (through a real mail-bridge), refresh rotation and reuse, listing and
// ending sessions with SessionRevoked published, the second-factor upgrade,
// user.disabled from the directory, and the login attempt limits on Redis.
import { randomUUID } from 'node:crypto';

import { createLocalJWKSet, jwtVerify } from 'jose';
import { connect, NatsConnection } from 'nats';
import { Client } from 'pg';

import { databaseUrl } from '@confer/database';
import { serviceStream } from '@confer/events';
import { Caller, SYSTEM_USER_ID, systemCaller } from '@confer/grpc';
import {
  conferFailure,
  dropDatabase,
  freePort,
  testMailServer,
  testServers,
  uniqueDatabaseName,
  uniqueToken,
} from '@confer/testing';

import { SessionsService } from '../src/sessions/sessions.service';
import { ContactsProcess, startContactsProcess } from './contacts-process';
import { MailBridgeProcess, startMailBridgeProcess } from './mail-bridge-process';
import { RunningAuth, startAuth } from './start-auth';

jest.setTimeout(60_000);

const servers = testServers();
const mail = testMailServer();
const system = systemCaller(SYSTEM_USER_ID, 'it-sessions');

describe(SessionsService.name, () => {
  const prefix = uniqueToken('it');
  const databases = {
    contacts: uniqueDatabaseName('sess_it_contacts'),
    mail: uniqueDatabaseName('sess_it_mail'),
    auth: uniqueDatabaseName('sess_it'),
  };
  let contacts: ContactsProcess;
  let mailBridge: MailBridgeProcess;
  let authApp: RunningAuth;
  let client: RunningAuth['client'];
  let nats: NatsConnection;
  let db: Client;
  let orgId: string;
  const revoked: Array<Record<string, string>> = [];
  const users = { alice: '', bob: '', dora: '', down: '' };

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
      MAIL_LOGIN_TIMEOUT_SECONDS: '1',
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
      ACCESS_TOKEN_TTL_SECONDS: '600',
      LOGIN_FREE_ATTEMPTS_PER_ACCOUNT_IP: '3',
      LOGIN_FREE_ATTEMPTS_PER_ACCOUNT: '6',
      LOGIN_MAX_ACCOUNT_DELAY_SECONDS: '2',
    });
    client = authApp.client;
    nats = await connect({ servers: servers.natsUrl });
    nats.subscribe(`${prefix}.auth_2fa.session.revoked`, {
      callback: (_error, message) => revoked.push(message.json<Record<string, string>>()),
    });
    db = new Client({ connectionString: databaseUrl(servers.postgresUrl, databases.auth) });
    await db.connect();

    orgId = (
      await contacts.client.createOrganisation(system, {
        name: 'Mail Ltd',
        domain: mail.domain,
        id: '',
      })
    ).id;
    const admin: Caller = {
      userId: randomUUID(),
      orgId,
      roles: ['org_admin'],
      correlationId: 'it',
    };
    await mailBridge.client.putMailDomain(admin, {
      domain: mail.domain,
      host: mail.host,
      port: mail.ports.imap,
      tls: 'starttls',
      rejectUnauthorized: false,
      updatedAt: '',
      updatedBy: '',
    });
    await mailBridge.client.putMailDomain(admin, {
      domain: 'down.confer.test',
      host: '127.0.0.1',
      port: await freePort(),
      tls: 'none',
      rejectUnauthorized: false,
      updatedAt: '',
      updatedBy: '',
    });
    const create = async (email: string) =>
      (await contacts.client.createUser(system, { orgId, email, displayName: email, roles: [] }))
        .id;
    users.alice = await create(mail.accounts.alice.address);
    users.bob = await create(mail.accounts.bob.address);
    users.dora = await create('dora@local.confer.test');
    users.down = await create('someone@down.confer.test');
    await client.setPassword(system, { userId: users.dora, password: 'dora-local-password' });
  });

  afterAll(async () => {
    await db?.end();
    await nats?.close();
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

  function login(email: string, password: string, ip = '192.0.2.1', deviceName = 'laptop') {
    return client.login(system, { email, password, deviceName, clientIp: ip, client: 'jest' });
  }

  function as(userId: string): Caller {
    return { userId, orgId, roles: [], correlationId: randomUUID() };
  }

  async function claimsOf(token: string) {
    const jwks = await client.getJwks(system, {});

    return (
      await jwtVerify(token, createLocalJWKSet(JSON.parse(jwks.json)), {
        issuer: jwks.issuer,
        audience: jwks.audience,
      })
    ).payload;
  }

  async function sessionRow(id: string) {
    return (await db.query('SELECT * FROM sessions WHERE id = $1', [id])).rows[0];
  }

  async function waitFor<T>(read: () => Promise<T> | T, ok: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const value = await read();
      if (ok(value) || Date.now() > deadline) {
        return value;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  describe('login', () => {
    it('signs in with the mailbox password and starts a session', async () => {
      const grant = await login(mail.accounts.alice.address, mail.accounts.alice.password);
      const claims = await claimsOf(grant.accessToken);
      const row = await sessionRow(grant.sessionId);

      expect(grant).toMatchObject({
        tokenType: 'Bearer',
        expiresIn: 600,
        userId: users.alice,
        orgId,
        secondFactor: 'not_required',
        refreshExpiresIn: 30 * 24 * 3600,
      });
      expect(grant.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(claims).toMatchObject({ sub: users.alice, sid: grant.sessionId, amr: ['pwd'] });
      expect(claims).not.toHaveProperty('mfa');
      expect(row).toMatchObject({ user_id: users.alice, device_name: 'laptop', client: 'jest' });
      expect(row.ip).toBe('192.0.2.1');
    });

    it('signs in with a mail app password', async () => {
      await expect(
        login(mail.accounts.alice.address, mail.accounts.alice.appPassword!),
      ).resolves.toMatchObject({ userId: users.alice });
    });

    it('keeps local passwords for domains without a mail server', async () => {
      await expect(login('dora@local.confer.test', 'dora-local-password')).resolves.toMatchObject({
        userId: users.dora,
      });
    });

    it.each([
      ['a wrong mailbox password', mail.accounts.bob.address, 'not-bobs-password'],
      ['an address nobody has', `nobody@${mail.domain}`, mail.accounts.alice.password],
      ['an unknown domain', 'someone@unknown.example', 'whatever-password'],
      ['a wrong local password', 'dora@local.confer.test', 'not-doras-password'],
    ])('refuses %s with auth.bad_credentials and starts no session', async (_case, email, pw) => {
      const { rows: before } = await db.query('SELECT count(*)::int AS n FROM sessions');

      const error = await conferFailure(login(email, pw, '192.0.2.50'));

      expect(error).toMatchObject({ code: 'auth.bad_credentials' });
      const { rows: after } = await db.query('SELECT count(*)::int AS n FROM sessions');
      expect(after[0].n).toBe(before[0].n);
    });

    it('answers mail.server_unavailable when the domain’s mail server is down', async () => {
      const error = await conferFailure(login('someone@down.confer.test', 'some-password'));

      expect(error).toMatchObject({ kind: 'unavailable', code: 'mail.server_unavailable' });
    });

    it('never stores a refresh token, only its SHA-256', async () => {
      const grant = await login('dora@local.confer.test', 'dora-local-password');
      const { rows } = await db.query(
        'SELECT token_hash FROM refresh_tokens WHERE session_id = $1',
        [grant.sessionId],
      );

      expect(rows).toHaveLength(1);
      expect(rows[0].token_hash).toHaveLength(32);
      expect(rows[0].token_hash.toString('utf8')).not.toContain(grant.refreshToken);
    });
  });

  describe('refresh', () => {
    it('rotates the refresh token and keeps the session', async () => {
      const first = await login('dora@local.confer.test', 'dora-local-password');
      const before = await sessionRow(first.sessionId);
      await new Promise((resolve) => setTimeout(resolve, 20));

      const second = await client.refresh(system, {
        refreshToken: first.refreshToken,
        clientIp: '192.0.2.9',
        client: 'jest-2',
      });
      const after = await sessionRow(first.sessionId);

      expect(second.sessionId).toBe(first.sessionId);
      expect(second.refreshToken).not.toBe(first.refreshToken);
      expect(second.accessToken).not.toBe(first.accessToken);
      expect((await claimsOf(second.accessToken)).sid).toBe(first.sessionId);
      expect(after.last_seen_at.getTime()).toBeGreaterThan(before.last_seen_at.getTime());
      expect(after).toMatchObject({ ip: '192.0.2.9', client: 'jest-2', revoked_at: null });
    });

    it('ends the whole session when a used refresh token comes back', async () => {
      const first = await login('dora@local.confer.test', 'dora-local-password');
      const second = await client.refresh(system, {
        refreshToken: first.refreshToken,
        clientIp: '',
        client: '',
      });

      const reused = await conferFailure(
        client.refresh(system, { refreshToken: first.refreshToken, clientIp: '', client: '' }),
      );
      const afterwards = await conferFailure(
        client.refresh(system, { refreshToken: second.refreshToken, clientIp: '', client: '' }),
      );

      expect(reused.code).toBe('auth.refresh_reused');
      expect(afterwards.code).toBe('auth.session_ended');
      expect(await sessionRow(first.sessionId)).toMatchObject({ revoked_reason: 'refresh_reused' });
      const event = await waitFor(
        () => revoked.find((entry) => entry.sessionId === first.sessionId),
        Boolean,
      );
      expect(event).toMatchObject({ userId: users.dora, orgId, reason: 'refresh_reused' });
    });

    it('lets exactly one of two racing refreshes with the same token win', async () => {
      const first = await login('dora@local.confer.test', 'dora-local-password');
      const request = { refreshToken: first.refreshToken, clientIp: '', client: '' };

      const results = await Promise.allSettled([
        client.refresh(system, request),
        client.refresh(system, request),
      ]);

      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      expect(await sessionRow(first.sessionId)).toMatchObject({ revoked_reason: 'refresh_reused' });
    });

    it('refuses a token it never issued, changing nothing', async () => {
      const { rows: before } = await db.query('SELECT * FROM sessions ORDER BY id');

      const error = await conferFailure(
        client.refresh(system, { refreshToken: 'x'.repeat(43), clientIp: '', client: '' }),
      );

      expect(error.code).toBe('auth.refresh_invalid');
      expect((await db.query('SELECT * FROM sessions ORDER BY id')).rows).toEqual(before);
    });
  });

  describe('listing and ending sessions', () => {
    it('lists my live sessions, marking the current one, and not anyone else’s', async () => {
      const phone = await login(
        mail.accounts.bob.address,
        mail.accounts.bob.password,
        '192.0.2.2',
        'phone',
      );
      const desk = await login(
        mail.accounts.bob.address,
        mail.accounts.bob.password,
        '192.0.2.3',
        'desk',
      );

      const { items } = await client.listSessions(as(users.bob), {
        currentSessionId: desk.sessionId,
      });

      expect(items.map((item) => item.id)).toEqual(
        expect.arrayContaining([phone.sessionId, desk.sessionId]),
      );
      expect(items[0]).toMatchObject({ id: desk.sessionId, deviceName: 'desk', current: true });
      expect(items.find((item) => item.id === phone.sessionId)).toMatchObject({
        deviceName: 'phone',
        ip: '192.0.2.2',
        client: 'jest',
        current: false,
      });
      const { items: doras } = await client.listSessions(as(users.dora), { currentSessionId: '' });
      expect(doras.map((item) => item.id)).not.toContain(phone.sessionId);
    });

    it('ends one session, publishes SessionRevoked, and lists it among the recently revoked', async () => {
      const grant = await login(mail.accounts.bob.address, mail.accounts.bob.password);

      await client.revokeSession(as(users.bob), { sessionId: grant.sessionId });

      const event = await waitFor(
        () => revoked.find((entry) => entry.sessionId === grant.sessionId),
        Boolean,
      );
      expect(event).toMatchObject({ userId: users.bob, reason: 'ended_by_user' });
      expect(Date.parse(event!.forgetAfter) - Date.parse(event!.revokedAt)).toBe(600_000);
      const { items } = await client.listRecentlyRevokedSessions(system, {});
      expect(items).toContainEqual(
        expect.objectContaining({ sessionId: grant.sessionId, userId: users.bob }),
      );
      const refresh = await conferFailure(
        client.refresh(system, { refreshToken: grant.refreshToken, clientIp: '', client: '' }),
      );
      expect(refresh.code).toBe('auth.session_ended');
    });

    it("answers another user's session as unknown and leaves it alone", async () => {
      const grant = await login(mail.accounts.bob.address, mail.accounts.bob.password);

      const error = await conferFailure(
        client.revokeSession(as(users.dora), { sessionId: grant.sessionId }),
      );

      expect(error.code).toBe('session.not_found');
      expect(await sessionRow(grant.sessionId)).toMatchObject({ revoked_at: null });
    });

    it('ends all sessions but the current one', async () => {
      const keep = await login('dora@local.confer.test', 'dora-local-password');
      const other = await login('dora@local.confer.test', 'dora-local-password');

      const { revoked: count } = await client.revokeSessions(as(users.dora), {
        exceptSessionId: keep.sessionId,
      });
      const { items } = await client.listSessions(as(users.dora), { currentSessionId: '' });

      expect(count).toBeGreaterThanOrEqual(1);
      expect(items.map((item) => item.id)).toEqual([keep.sessionId]);
      expect(await sessionRow(other.sessionId)).toMatchObject({ revoked_reason: 'ended_by_user' });
    });

    it('gives the recently revoked list to the platform only', async () => {
      const error = await conferFailure(client.listRecentlyRevokedSessions(as(users.bob), {}));

      expect(error.code).toBe('auth.forbidden');
    });
  });

  describe('CompleteSecondFactor', () => {
    it('upgrades a pending session: passed, amr extended, no mfa claim, old refresh retired', async () => {
      const pending = await login('dora@local.confer.test', 'dora-local-password');
      await db.query(`UPDATE sessions SET second_factor = 'pending' WHERE id = $1`, [
        pending.sessionId,
      ]);

      const passed = await client.completeSecondFactor(system, {
        sessionId: pending.sessionId,
        method: 'otp',
      });
      const claims = await claimsOf(passed.accessToken);
      const reused = await conferFailure(
        client.refresh(system, { refreshToken: pending.refreshToken, clientIp: '', client: '' }),
      );

      expect(passed).toMatchObject({ sessionId: pending.sessionId, secondFactor: 'passed' });
      expect(claims).toMatchObject({ sid: pending.sessionId, amr: ['pwd', 'otp'] });
      expect(claims).not.toHaveProperty('mfa');
      expect(reused.code).toBe('auth.refresh_reused');
    });

    it('marks tokens of a pending session with mfa: pending', async () => {
      const grant = await login('dora@local.confer.test', 'dora-local-password');
      await db.query(`UPDATE sessions SET second_factor = 'pending' WHERE id = $1`, [
        grant.sessionId,
      ]);

      const refreshed = await client.refresh(system, {
        refreshToken: grant.refreshToken,
        clientIp: '',
        client: '',
      });

      expect(await claimsOf(refreshed.accessToken)).toMatchObject({ mfa: 'pending', amr: ['pwd'] });
      expect(refreshed.secondFactor).toBe('pending');
    });

    it('refuses a session that owes nothing, and callers other than the platform', async () => {
      const grant = await login('dora@local.confer.test', 'dora-local-password');

      const notPending = await conferFailure(
        client.completeSecondFactor(system, { sessionId: grant.sessionId, method: 'otp' }),
      );
      const notPlatform = await conferFailure(
        client.completeSecondFactor(as(users.dora), { sessionId: grant.sessionId, method: 'otp' }),
      );

      expect(notPending.code).toBe('session.second_factor_not_pending');
      expect(notPlatform.code).toBe('auth.forbidden');
      expect(await sessionRow(grant.sessionId)).toMatchObject({ second_factor: 'not_required' });
    });
  });

  it('ends every session of a user the directory disabled', async () => {
    const sessions = await Promise.all([
      login(mail.accounts.alice.address, mail.accounts.alice.password),
      login(mail.accounts.alice.address, mail.accounts.alice.appPassword!),
    ]);
    const js = nats.jetstream();

    await js.publish(
      `${prefix}.contacts.user.disabled`,
      JSON.stringify({
        eventId: randomUUID(),
        orgId,
        userId: users.alice,
        email: mail.accounts.alice.address,
        reason: 'disabled_in_directory',
        occurredAt: new Date().toISOString(),
      }),
    );

    const { rows } = await waitFor(
      () =>
        db.query(`SELECT revoked_reason FROM sessions WHERE user_id = $1 AND revoked_at IS NULL`, [
          users.alice,
        ]),
      (result) => result.rows.length === 0,
    );
    expect(rows).toEqual([]);
    for (const grant of sessions) {
      expect(await sessionRow(grant.sessionId)).toMatchObject({ revoked_reason: 'user_disabled' });
    }
  });

  describe('failed login limits', () => {
    const email = 'dora@local.confer.test';

    it('delays an address after its free attempts from one IP, without locking out other IPs', async () => {
      for (let attempt = 0; attempt < 4; attempt += 1) {
        await expect(
          conferFailure(login(email, 'wrong-password', '198.51.100.7')),
        ).resolves.toMatchObject({ code: 'auth.bad_credentials' });
      }

      const delayed = await conferFailure(login(email, 'dora-local-password', '198.51.100.7'));
      const elsewhere = await login(email, 'dora-local-password', '198.51.100.8');

      expect(delayed).toMatchObject({
        kind: 'rate_limited',
        code: 'auth.too_many_attempts',
        details: { retryAfterSeconds: expect.any(Number) },
      });
      expect(delayed.details!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(elsewhere.userId).toBe(users.dora);
    });

    it('lets the right password in once the delay has passed, and then forgets the failures', async () => {
      const ip = '198.51.100.20';
      for (let attempt = 0; attempt < 4; attempt += 1) {
        await conferFailure(login(email, 'wrong-password', ip));
      }
      const delayed = await conferFailure(login(email, 'dora-local-password', ip));
      await new Promise((resolve) =>
        setTimeout(resolve, (delayed.details!.retryAfterSeconds as number) * 1000 + 100),
      );

      await expect(login(email, 'dora-local-password', ip)).resolves.toMatchObject({
        userId: users.dora,
      });
      // Three free failures again after the success.
      for (let attempt = 0; attempt < 3; attempt += 1) {
        expect((await conferFailure(login(email, 'wrong-password', ip))).code).toBe(
          'auth.bad_credentials',
        );
      }
    });
  });
});
