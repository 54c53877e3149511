// The credential check under attack: a domain held by another organisation,
// a mail server that says yes to everyone, and passwords and addresses built
// to break out of the IMAP LOGIN command, against the real Dovecot of
// docs/servers.md.
import { randomUUID } from 'node:crypto';

import { connect } from 'nats';

import { serviceStream } from '@confer/events';
import { Caller, SYSTEM_USER_ID, systemCaller } from '@confer/grpc';
import { mailbridge } from '@confer/proto';
import {
  dropDatabase,
  testMailServer,
  testServers,
  uniqueDatabaseName,
  uniqueToken,
  YesImapServer,
} from '@confer/testing';

import { RunningMailBridge, startMailBridge } from './start-mail-bridge';

jest.setTimeout(60_000);

const { OK, BAD_CREDENTIALS, UNKNOWN_DOMAIN } = {
  OK: mailbridge.CredentialCheck.CREDENTIAL_CHECK_OK,
  BAD_CREDENTIALS: mailbridge.CredentialCheck.CREDENTIAL_CHECK_BAD_CREDENTIALS,
  UNKNOWN_DOMAIN: mailbridge.CredentialCheck.CREDENTIAL_CHECK_UNKNOWN_DOMAIN,
};

const servers = testServers();
const mail = testMailServer();
const system = systemCaller(SYSTEM_USER_ID, 'it-mail-hostile');

describe('mail-account credential check, attacked', () => {
  const database = uniqueDatabaseName('mail_it_hostile');
  const prefix = uniqueToken('it');
  // Organisation A has the Dovecot domain; organisation B holds a domain of
  // its own and another whose people belong to A.
  const orgA = randomUUID();
  const orgB = randomUUID();
  const adminA: Caller = {
    userId: randomUUID(),
    orgId: orgA,
    roles: ['org_admin'],
    correlationId: 'a',
  };
  const adminB: Caller = {
    userId: randomUUID(),
    orgId: orgB,
    roles: ['org_admin'],
    correlationId: 'b',
  };
  const victimDomain = `victim-${randomUUID().slice(0, 8)}.example`;
  let bridge: RunningMailBridge;
  const yes = new YesImapServer();

  beforeAll(async () => {
    await yes.start();
    bridge = await startMailBridge({
      POSTGRES_URL: servers.postgresUrl,
      DATABASE_NAME: database,
      NATS_URL: servers.natsUrl,
      NATS_PREFIX: prefix,
      HTTP_PORT: '0',
      MAIL_LOGIN_TIMEOUT_SECONDS: '2',
    });
    await bridge.client.putMailDomain(adminA, {
      domain: mail.domain,
      host: mail.host,
      port: mail.ports.imap,
      tls: 'starttls',
      rejectUnauthorized: false,
      updatedAt: '',
      updatedBy: '',
    });
    // B gets to the victim's domain first (nothing proves a domain is whose).
    await bridge.client.putMailDomain(adminB, {
      domain: victimDomain,
      host: '127.0.0.1',
      port: yes.port,
      tls: 'none',
      rejectUnauthorized: false,
      updatedAt: '',
      updatedBy: '',
    });
  });

  afterAll(async () => {
    await bridge?.close();
    await yes.stop();
    const nats = await connect({ servers: servers.natsUrl });
    const jsm = await nats.jetstreamManager();
    await jsm.streams.delete(serviceStream(prefix, 'mail-bridge').name).catch(() => undefined);
    await nats.close();
    await dropDatabase(servers.postgresUrl, database);
  });

  function check(email: string, password: string, orgId: string) {
    return bridge.client.checkCredentials(system, { email, password, orgId });
  }

  describe('a domain held by another organisation', () => {
    it("never asks B's server about the password of A's person", async () => {
      const before = yes.logins;

      await expect(check(`ceo@${victimDomain}`, 'any guess', orgA)).resolves.toEqual({
        result: UNKNOWN_DOMAIN,
      });
      expect(yes.logins).toBe(before);
    });

    it('answers an empty organisation as no server at all', async () => {
      await expect(check(`ceo@${victimDomain}`, 'any guess', '')).resolves.toEqual({
        result: UNKNOWN_DOMAIN,
      });
      await expect(
        check(mail.accounts.alice.address, mail.accounts.alice.password, ''),
      ).resolves.toEqual({ result: UNKNOWN_DOMAIN });
    });

    it("asks the server for the holding organisation's own people", async () => {
      const before = yes.logins;

      await expect(check(`someone@${victimDomain}`, 'anything', orgB)).resolves.toEqual({
        result: OK,
      });
      expect(yes.logins).toBe(before + 1);
    });
  });

  describe('passwords and addresses that try to leave the LOGIN command', () => {
    const alice = mail.accounts.alice;
    const breakouts = [
      `${alice.password}\r\nA2 LOGOUT`,
      `${alice.password}\n`,
      `\r`,
      `${alice.password}\0`,
      `\0${alice.password}`,
    ];

    it.each(breakouts.map((password) => [JSON.stringify(password), password]))(
      'refuses the password %s: it cannot leave the LOGIN command',
      async (_name, password) => {
        await expect(check(alice.address, password, orgA)).resolves.toEqual({
          result: BAD_CREDENTIALS,
        });
      },
    );

    it('refuses an address with a line break as wrong credentials', async () => {
      await expect(
        check(`alice\r\nA1 LOGIN x@${mail.domain}`, alice.password, orgA),
      ).resolves.toEqual({ result: BAD_CREDENTIALS });
    });

    const quoted = [
      `"`,
      `\\`,
      `${alice.password}" "x`,
      `"${alice.password}"`,
      `{${alice.password.length}}`,
      `{5+}`,
      `x" OK`,
      `${alice.password}\\`,
      '密码-пароль-🔑',
      'p'.repeat(256),
      `${alice.password} `,
      ` ${alice.password}`,
    ];

    it.each(quoted.map((password) => [JSON.stringify(password).slice(0, 40), password]))(
      'sends %s as one quoted string: Dovecot refuses it',
      async (_name, password) => {
        await expect(check(alice.address, password, orgA)).resolves.toEqual({
          result: BAD_CREDENTIALS,
        });
      },
    );

    it('still accepts the real password afterwards', async () => {
      await expect(check(alice.address, alice.password, orgA)).resolves.toEqual({ result: OK });
    });
  });
});
