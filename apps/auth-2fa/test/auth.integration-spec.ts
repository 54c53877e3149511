// The login flow against the real contacts app, started from its build as a
// separate process, and two auth-2fa replicas started together in this process.
import { randomUUID } from 'node:crypto';

import { status as GrpcStatus } from '@grpc/grpc-js';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { connect } from 'nats';
import { Client } from 'pg';

import { ConferError } from '@confer/errors';
import { serviceStream } from '@confer/events';
import { Caller, SYSTEM_USER_ID, systemCaller } from '@confer/grpc';
import { auth } from '@confer/proto';
import {
  conferFailure,
  dropDatabase,
  testServers,
  uniqueDatabaseName,
  uniqueToken,
} from '@confer/testing';

import { databaseUrl } from '@confer/database';

import { LoginService } from '../src/login/login.service';
import { ContactsProcess, startContactsProcess } from './contacts-process';
import { MailBridgeProcess, startMailBridgeProcess } from './mail-bridge-process';
import { RunningAuth, startAuth } from './start-auth';

jest.setTimeout(60_000);

const servers = testServers();
const system = systemCaller(SYSTEM_USER_ID, 'it-auth');

function grpcStatusOf(error: ConferError): number | undefined {
  return (error.cause as { code?: number } | undefined)?.code;
}

async function verify(token: string, jwks: auth.Jwks) {
  return jwtVerify(token, createLocalJWKSet(JSON.parse(jwks.json)), {
    issuer: jwks.issuer,
    audience: jwks.audience,
    algorithms: ['RS256'],
  });
}

describe(LoginService.name, () => {
  const contactsDatabase = uniqueDatabaseName('auth_it_contacts');
  const authDatabase = uniqueDatabaseName('auth_it');
  const mailDatabase = uniqueDatabaseName('auth_it_mail');
  const prefix = uniqueToken('it');
  let contacts: ContactsProcess;
  let mailBridge: MailBridgeProcess;
  let replicas: RunningAuth[] = [];
  let authClient: RunningAuth['client'];
  let orgId: string;
  let admin: Caller;
  const users: Record<'alice' | 'bob' | 'carol', string> = { alice: '', bob: '', carol: '' };

  beforeAll(async () => {
    contacts = await startContactsProcess({
      POSTGRES_URL: servers.postgresUrl,
      DATABASE_NAME: contactsDatabase,
      NATS_URL: servers.natsUrl,
      NATS_PREFIX: prefix,
    });
    mailBridge = await startMailBridgeProcess({
      POSTGRES_URL: servers.postgresUrl,
      DATABASE_NAME: mailDatabase,
      NATS_URL: servers.natsUrl,
      NATS_PREFIX: prefix,
    });
    const env = {
      POSTGRES_URL: servers.postgresUrl,
      DATABASE_NAME: authDatabase,
      NATS_URL: servers.natsUrl,
      NATS_PREFIX: prefix,
      REDIS_URL: servers.redisUrl,
      CONTACTS_GRPC_URL: contacts.grpcUrl,
      MAIL_BRIDGE_GRPC_URL: mailBridge.grpcUrl,
      HTTP_PORT: '0',
    };
    // Two replicas starting at once on an empty database race to create the first key.
    replicas = await Promise.all([startAuth(env), startAuth(env)]);
    authClient = replicas[0].client;

    orgId = (
      await contacts.client.createOrganisation(system, {
        name: 'Login Ltd',
        domain: 'login.example',
        id: '',
      })
    ).id;
    admin = { userId: randomUUID(), orgId, roles: ['org_admin'], correlationId: 'it-admin' };
    for (const name of Object.keys(users) as Array<keyof typeof users>) {
      const user = await contacts.client.createUser(system, {
        orgId,
        email: `${name}@login.example`,
        displayName: name,
        roles: name === 'alice' ? ['org_admin'] : [],
      });
      users[name] = user.id;
    }
    await authClient.setPassword(system, { userId: users.alice, password: 'alice-password' });
    await authClient.setPassword(system, { userId: users.bob, password: 'bob-password' });
    // The directory has no call to disable a user yet, so the test sets the status in its table.
    const db = new Client({ connectionString: databaseUrl(servers.postgresUrl, contactsDatabase) });
    await db.connect();
    await db.query(`UPDATE users SET status = 'disabled' WHERE id = $1`, [users.bob]);
    await db.end();
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.close()));
    await contacts?.stop();
    await mailBridge?.stop();
    const nats = await connect({ servers: servers.natsUrl });
    const jsm = await nats.jetstreamManager();
    for (const service of ['contacts', 'auth-2fa', 'mail-bridge']) {
      await jsm.streams.delete(serviceStream(prefix, service).name).catch(() => undefined);
    }
    await nats.close();
    await dropDatabase(servers.postgresUrl, contactsDatabase);
    await dropDatabase(servers.postgresUrl, authDatabase);
    await dropDatabase(servers.postgresUrl, mailDatabase);
  });

  function login(email: string, password: string) {
    return authClient.login(system, {
      email,
      password,
      deviceName: 'test',
      clientIp: '127.0.0.1',
      client: 'jest',
    });
  }

  it('issues a token that verifies against the JWKS, with the user in its claims', async () => {
    const grant = await login('Alice@Login.Example', 'alice-password');
    const jwks = await authClient.getJwks(system, {});
    const { payload, protectedHeader } = await verify(grant.accessToken, jwks);

    expect(grant).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: 900,
      userId: users.alice,
      orgId,
    });
    expect(jwks).toMatchObject({ issuer: 'confer-auth', audience: 'confer-api' });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({
      iss: 'confer-auth',
      aud: 'confer-api',
      sub: users.alice,
      org: orgId,
      roles: ['org_admin'],
    });
    expect(payload.sid).toEqual(expect.any(String));
    expect(payload.jti).toEqual(expect.any(String));
    expect(payload.exp! - payload.iat!).toBe(900);
  });

  it.each([
    ['a wrong password', 'alice@login.example', 'not-the-password'],
    ['an unknown address', 'nobody@login.example', 'alice-password'],
    ['a disabled user', 'bob@login.example', 'bob-password'],
    ['a user without a password', 'carol@login.example', 'carol-password'],
    ['an invalid address', 'not an address', 'alice-password'],
  ])('refuses %s with the same answer', async (_case, email, password) => {
    const error = await conferFailure(login(email, password));

    expect(error).toMatchObject({
      code: 'auth.bad_credentials',
      message: 'The e-mail address or password is wrong.',
    });
    expect(grpcStatusOf(error)).toBe(GrpcStatus.UNAUTHENTICATED);
  });

  it('spends about as long on an unknown address as on a wrong password', async () => {
    const timed = async (email: string) => {
      const started = process.hrtime.bigint();
      for (let i = 0; i < 3; i += 1) {
        await conferFailure(login(email, 'wrong-password'));
      }

      return Number(process.hrtime.bigint() - started);
    };
    const wrongPassword = await timed('alice@login.example');
    const unknown = await timed('nobody@login.example');

    // Both pay one scrypt per attempt; without the dummy hash the unknown case is ~10x faster.
    expect(unknown).toBeGreaterThan(wrongPassword / 3);
  });

  describe('SetPassword', () => {
    it('lets an administrator of the organisation set a password that then logs in', async () => {
      await authClient.setPassword(admin, { userId: users.carol, password: 'carol-password' });

      await expect(login('carol@login.example', 'carol-password')).resolves.toMatchObject({
        userId: users.carol,
      });
    });

    it('refuses passwords shorter than 8 or longer than 256 characters', async () => {
      for (const password of ['short', 'x'.repeat(257)]) {
        const error = await conferFailure(
          authClient.setPassword(admin, { userId: users.carol, password }),
        );

        expect(error).toMatchObject({ kind: 'invalid', code: 'auth.password_invalid' });
        expect(grpcStatusOf(error)).toBe(GrpcStatus.INVALID_ARGUMENT);
      }
    });

    it('refuses members who are not administrators', async () => {
      const member: Caller = { ...admin, roles: [] };
      const error = await conferFailure(
        authClient.setPassword(member, { userId: users.carol, password: 'member-password' }),
      );

      expect(error.code).toBe('auth.forbidden');
    });

    it("treats another organisation's user as unknown", async () => {
      const foreignAdmin: Caller = { ...admin, orgId: randomUUID() };
      const error = await conferFailure(
        authClient.setPassword(foreignAdmin, { userId: users.carol, password: 'foreign-password' }),
      );

      expect(error.code).toBe('user.not_found');
      await expect(login('carol@login.example', 'carol-password')).resolves.toBeDefined();
    });
  });

  describe('signing keys', () => {
    it('are created once when replicas start together, and shared by both', async () => {
      const [first, second] = await Promise.all(
        replicas.map((replica) => replica.client.getJwks(system, {})),
      );

      expect(JSON.parse(first.json).keys).toHaveLength(1);
      expect(second.json).toBe(first.json);
    });

    it('are reused by a replica started later, whose tokens verify with the same JWKS', async () => {
      const before = await authClient.getJwks(system, {});
      const later = await startAuth({
        POSTGRES_URL: servers.postgresUrl,
        DATABASE_NAME: authDatabase,
        NATS_URL: servers.natsUrl,
        NATS_PREFIX: prefix,
        REDIS_URL: servers.redisUrl,
        CONTACTS_GRPC_URL: contacts.grpcUrl,
        MAIL_BRIDGE_GRPC_URL: mailBridge.grpcUrl,
        HTTP_PORT: '0',
      });
      try {
        const grant = await later.client.login(system, {
          email: 'alice@login.example',
          password: 'alice-password',
          deviceName: '',
          clientIp: '',
          client: '',
        });
        const kid = decodeProtectedHeader(grant.accessToken).kid;

        expect((await later.client.getJwks(system, {})).json).toBe(before.json);
        expect(JSON.parse(before.json).keys[0].kid).toBe(kid);
        await expect(verify(grant.accessToken, before)).resolves.toBeDefined();
      } finally {
        await later.close();
      }
    });
  });
});
