// The credential check against the real Dovecot of docs/servers.md, and the
// per-domain settings behind it, through mail-bridge's gRPC service.
import { randomUUID } from 'node:crypto';
import { createServer, Server, Socket } from 'node:net';

import { connect, NatsConnection } from 'nats';
import { Client } from 'pg';

import { databaseUrl } from '@confer/database';
import { serviceStream } from '@confer/events';
import { Caller, SYSTEM_USER_ID, systemCaller } from '@confer/grpc';
import { mailbridge } from '@confer/proto';
import {
  conferFailure,
  dropDatabase,
  freePort,
  testMailServer,
  testServers,
  uniqueDatabaseName,
  uniqueToken,
} from '@confer/testing';

import { RunningMailBridge, startMailBridge } from './start-mail-bridge';

jest.setTimeout(60_000);

const { OK, BAD_CREDENTIALS, UNKNOWN_DOMAIN } = {
  OK: mailbridge.CredentialCheck.CREDENTIAL_CHECK_OK,
  BAD_CREDENTIALS: mailbridge.CredentialCheck.CREDENTIAL_CHECK_BAD_CREDENTIALS,
  UNKNOWN_DOMAIN: mailbridge.CredentialCheck.CREDENTIAL_CHECK_UNKNOWN_DOMAIN,
};
const TIMEOUT_SECONDS = 1;

const servers = testServers();
const mail = testMailServer();
const system = systemCaller(SYSTEM_USER_ID, 'it-mail');

describe('mail-account credential check', () => {
  const database = uniqueDatabaseName('mail_it');
  const prefix = uniqueToken('it');
  const orgId = randomUUID();
  const admin: Caller = { userId: randomUUID(), orgId, roles: ['org_admin'], correlationId: 'it' };
  let bridge: RunningMailBridge;
  let db: Client;
  let silent: Server;
  let silentConnections = 0;
  const sockets: Socket[] = [];
  let nats: NatsConnection;
  /** The audit lines mail-bridge published, as they arrive. */
  const published: Array<Record<string, string>> = [];

  beforeAll(async () => {
    bridge = await startMailBridge({
      POSTGRES_URL: servers.postgresUrl,
      DATABASE_NAME: database,
      NATS_URL: servers.natsUrl,
      NATS_PREFIX: prefix,
      HTTP_PORT: '0',
      MAIL_LOGIN_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS),
    });
    db = new Client({ connectionString: databaseUrl(servers.postgresUrl, database) });
    await db.connect();
    // Accepts connections and never says a word: a server that hangs.
    silent = createServer((socket) => {
      silentConnections += 1;
      sockets.push(socket);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    nats = await connect({ servers: servers.natsUrl });
    nats.subscribe(`${prefix}.mail_bridge.audit.recorded`, {
      callback: (_error, message) => published.push(message.json<Record<string, string>>()),
    });
  });

  afterAll(async () => {
    sockets.forEach((socket) => socket.destroy());
    await new Promise((resolve) => silent?.close(resolve));
    await db?.end();
    await bridge?.close();
    const jsm = await nats.jetstreamManager();
    await jsm.streams.delete(serviceStream(prefix, 'mail-bridge').name).catch(() => undefined);
    await nats.close();
    await dropDatabase(servers.postgresUrl, database);
  });

  function setDomain(domain: string, settings: Partial<mailbridge.MailDomain> = {}) {
    return bridge.client.putMailDomain(admin, {
      domain,
      host: mail.host,
      port: mail.ports.imap,
      tls: 'starttls',
      rejectUnauthorized: false,
      updatedAt: '',
      updatedBy: '',
      ...settings,
    });
  }

  function check(email: string, password: string) {
    return bridge.client.checkCredentials(system, { email, password, orgId });
  }

  describe('against a configured domain (STARTTLS)', () => {
    beforeAll(async () => {
      await setDomain(mail.domain);
    });

    it('accepts the mailbox password', async () => {
      await expect(
        check(mail.accounts.alice.address, mail.accounts.alice.password),
      ).resolves.toEqual({ result: OK });
      await expect(check(mail.accounts.bob.address, mail.accounts.bob.password)).resolves.toEqual({
        result: OK,
      });
    });

    it('accepts a mail app password', async () => {
      await expect(
        check(mail.accounts.alice.address, mail.accounts.alice.appPassword!),
      ).resolves.toEqual({ result: OK });
    });

    it('refuses a wrong password', async () => {
      await expect(check(mail.accounts.alice.address, 'not-her-password')).resolves.toEqual({
        result: BAD_CREDENTIALS,
      });
    });

    it("refuses one account's password for another", async () => {
      await expect(check(mail.accounts.bob.address, mail.accounts.alice.password)).resolves.toEqual(
        {
          result: BAD_CREDENTIALS,
        },
      );
    });

    it('reads the domain of the address case-insensitively', async () => {
      await expect(
        check(`alice@${mail.domain.toUpperCase()}`, mail.accounts.alice.password),
      ).resolves.toEqual({ result: OK });
    });
  });

  it('answers unknown_domain for an address whose domain has no mail server', async () => {
    await expect(check('someone@no-mail.example', 'whatever-password')).resolves.toEqual({
      result: UNKNOWN_DOMAIN,
    });
  });

  it('logs in over implicit TLS on the IMAPS port', async () => {
    await setDomain(mail.domain, { port: mail.ports.imaps, tls: 'implicit' });
    await expect(check(mail.accounts.alice.address, mail.accounts.alice.password)).resolves.toEqual(
      { result: OK },
    );
    await setDomain(mail.domain);
  });

  it('refuses a self-signed certificate when told to verify it, without sending the password', async () => {
    await setDomain('verified.confer.test', { rejectUnauthorized: true });

    const error = await conferFailure(check('alice@verified.confer.test', 'x-password'));

    expect(error).toMatchObject({ kind: 'unavailable', code: 'mail.server_unavailable' });
  });

  it('answers mail.server_unavailable at once when nothing listens on the port', async () => {
    const closedPort = await freePort();
    await setDomain('down.confer.test', { port: closedPort });
    const started = Date.now();

    const error = await conferFailure(check('alice@down.confer.test', 'some-password'));

    expect(error).toMatchObject({
      kind: 'unavailable',
      code: 'mail.server_unavailable',
      details: { domain: 'down.confer.test', retryAfterSeconds: expect.any(Number) },
    });
    expect(Date.now() - started).toBeLessThan(TIMEOUT_SECONDS * 1000);
  });

  it('gives up on a server that never answers within the bound, after one connection', async () => {
    const port = (silent.address() as { port: number }).port;
    await setDomain('slow.confer.test', { port, tls: 'none' });
    const before = silentConnections;
    const started = Date.now();

    const error = await conferFailure(check('alice@slow.confer.test', 'some-password'));
    const elapsed = Date.now() - started;

    expect(error.code).toBe('mail.server_unavailable');
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_SECONDS * 1000 - 50);
    expect(elapsed).toBeLessThan(TIMEOUT_SECONDS * 1000 + 1500);
    // Never retried: the server saw exactly one attempt.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(silentConnections - before).toBe(1);
  });

  it('checks credentials for the platform only', async () => {
    const error = await conferFailure(
      bridge.client.checkCredentials(admin, {
        email: mail.accounts.alice.address,
        password: mail.accounts.alice.password,
        orgId,
      }),
    );

    expect(error.code).toBe('auth.forbidden');
  });

  describe('mail domain settings', () => {
    const otherAdmin: Caller = { ...admin, orgId: randomUUID(), userId: randomUUID() };

    async function rows(): Promise<unknown[]> {
      return (await db.query('SELECT * FROM mail_domains ORDER BY domain')).rows;
    }

    /** Every audit line published so far, once the outbox has nothing left to send. */
    async function auditLines(): Promise<Array<Record<string, string>>> {
      for (let waited = 0; waited < 5000; waited += 50) {
        const { rows: pending } = await db.query('SELECT 1 FROM outbox LIMIT 1');
        if (pending.length === 0) {
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await nats.flush();
      await new Promise((resolve) => setTimeout(resolve, 100));

      return [...published];
    }

    it('lists only the organisation’s own domains, each change an audit line', async () => {
      const before = (await auditLines()).length;
      await setDomain('listed.confer.test', {
        port: 993,
        tls: 'implicit',
        host: 'imap.example.com',
      });

      const { items } = await bridge.client.listMailDomains(admin, {});
      const lines = await auditLines();

      expect(items.map((item) => item.domain)).toContain('listed.confer.test');
      expect(items.find((item) => item.domain === 'listed.confer.test')).toMatchObject({
        host: 'imap.example.com',
        port: 993,
        tls: 'implicit',
        rejectUnauthorized: false,
        updatedBy: admin.userId,
      });
      await expect(bridge.client.listMailDomains(otherAdmin, {})).resolves.toEqual({ items: [] });
      expect(lines).toHaveLength(before + 1);
      expect(lines[lines.length - 1]).toMatchObject({
        orgId,
        actorId: admin.userId,
        action: 'settings.mail_domain_changed',
      });
      expect(JSON.parse(lines[lines.length - 1].detailsJson)).toMatchObject({
        domain: 'listed.confer.test',
        change: 'created',
      });
    });

    it.each([
      ['a bad port', { port: 70000 }, 'port'],
      ['an unknown TLS mode', { tls: 'ssl' }, 'tls'],
      ['a bad host', { host: 'not a host' }, 'host'],
      ['a bad domain', { domain: 'localhost' }, 'domain'],
    ])('refuses %s with mail.domain_invalid and changes nothing', async (_case, change, field) => {
      const [before, linesBefore] = [await rows(), (await auditLines()).length];

      const error = await conferFailure(setDomain('listed.confer.test', change));

      expect(error).toMatchObject({
        kind: 'invalid',
        code: 'mail.domain_invalid',
        details: { field },
      });
      expect(await rows()).toEqual(before);
      expect(await auditLines()).toHaveLength(linesBefore);
    });

    it("refuses another organisation's administrator, who can neither see nor take the domain", async () => {
      const before = await rows();
      const taken = await conferFailure(
        bridge.client.putMailDomain(otherAdmin, {
          domain: 'listed.confer.test',
          host: 'evil.example.com',
          port: 143,
          tls: 'none',
          rejectUnauthorized: false,
          updatedAt: '',
          updatedBy: '',
        }),
      );
      const hidden = await conferFailure(
        bridge.client.getMailDomain(otherAdmin, { domain: 'listed.confer.test' }),
      );
      const notDeleted = await conferFailure(
        bridge.client.deleteMailDomain(otherAdmin, { domain: 'listed.confer.test' }),
      );

      expect(taken.code).toBe('mail.domain_taken');
      expect(hidden.code).toBe('mail.domain_not_found');
      expect(notDeleted.code).toBe('mail.domain_not_found');
      expect(await rows()).toEqual(before);
    });

    it('refuses members who are not administrators', async () => {
      const member: Caller = { ...admin, roles: [] };

      expect((await conferFailure(bridge.client.listMailDomains(member, {}))).code).toBe(
        'auth.forbidden',
      );
      expect((await conferFailure(setDomainAs(member, 'member.confer.test'))).code).toBe(
        'auth.forbidden',
      );
      expect(await rows()).not.toContainEqual(
        expect.objectContaining({ domain: 'member.confer.test' }),
      );
    });

    it('deletes a domain, after which its addresses are of an unknown domain', async () => {
      await setDomain('gone.confer.test');
      await bridge.client.deleteMailDomain(admin, { domain: 'Gone.Confer.Test' });

      await expect(check('alice@gone.confer.test', 'some-password')).resolves.toEqual({
        result: UNKNOWN_DOMAIN,
      });
      expect((await auditLines()).at(-1)?.detailsJson).toContain('"change":"deleted"');
    });

    function setDomainAs(caller: Caller, domain: string) {
      return bridge.client.putMailDomain(caller, {
        domain,
        host: mail.host,
        port: mail.ports.imap,
        tls: 'starttls',
        rejectUnauthorized: false,
        updatedAt: '',
        updatedBy: '',
      });
    }
  });
});
