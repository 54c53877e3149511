import { createServer, Server, Socket, connect as connectTcp } from 'node:net';

import { Attribute, Change, Client as LdapClient } from 'ldapts';
import { connect, NatsConnection } from 'nats';

import { freePort, testDirectoryServer, testServers } from '@confer/testing';

import { DirectorySyncService } from '../src/directory-sync/directory-sync.service';
import { useDirectoryOrganisation } from './directory-organisation';
import { syncToEnd } from './fixture-directory';
import { updateOf } from './ldap-settings';

const directory = testDirectoryServer();
const servers = testServers();

jest.setTimeout(120_000);

/** A loopback TCP server standing in for a directory: silent, or a proxy that cuts the line. */
async function listen(
  onConnection: (socket: Socket) => void,
): Promise<{ server: Server; url: string }> {
  const port = await freePort();
  const server = createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  return { server, url: `ldap://127.0.0.1:${port}` };
}

describe(`${DirectorySyncService.name} against a hostile or failing directory`, () => {
  const organisation = useDirectoryOrganisation('contacts_sync_robust_it');
  const { orgId, system, prefix } = organisation;
  const PEOPLE_BASE = organisation.peopleBase;
  let nats: NatsConnection;

  async function withLdap(change: (ldap: LdapClient) => Promise<void>): Promise<void> {
    const ldap = new LdapClient({ url: directory.url });
    await ldap.bind(directory.bindDn, directory.password);
    try {
      await change(ldap);
    } finally {
      await ldap.unbind();
    }
  }

  async function state(): Promise<unknown[]> {
    const { rows } = await organisation.db.query(
      'SELECT email, display_name, status, title, secondary_emails, updated_at FROM users ORDER BY email',
    );
    const departments = await organisation.db.query(
      'SELECT name, parent_id, updated_at FROM departments ORDER BY source_id',
    );

    return [...rows, ...departments.rows];
  }

  async function withSettings(
    change: Partial<ReturnType<typeof updateOf>>,
    work: () => Promise<void>,
  ): Promise<void> {
    // The password is sent each time: a stored one is kept only for the server it was given for.
    const stored = await organisation.app.client.getLdapSettings(system, { orgId });
    await organisation.app.client.updateLdapSettings(system, {
      ...updateOf(stored, directory.password),
      ...change,
    });
    try {
      await work();
    } finally {
      await organisation.app.client.updateLdapSettings(
        system,
        updateOf(stored, directory.password),
      );
    }
  }

  beforeAll(async () => {
    nats = await connect({ servers: servers.natsUrl });
    // The environment's directory is the bootstrap default; store it as the organisation's own.
    const fallback = await organisation.app.client.getLdapSettings(system, { orgId });
    expect(fallback.source).toBe('environment');
    await organisation.app.client.updateLdapSettings(
      system,
      updateOf(fallback, directory.password),
    );
    const first = await syncToEnd(organisation.app, system, true);
    expect(first.status).toBe('succeeded');
  });

  afterAll(async () => {
    await nats?.close();
  });

  it('records a settings change on the audit trail with the changed fields and no secret', async () => {
    const stored = await organisation.app.client.getLdapSettings(system, { orgId });
    const subscription = nats.subscribe(`${prefix}.contacts.audit.recorded`, {
      max: 1,
      timeout: 30_000,
    });

    const changed = await organisation.app.client.updateLdapSettings(system, {
      ...updateOf(stored, 'a-new-secret-value'),
      timeoutSeconds: 20,
    });

    expect(changed).toMatchObject({
      bindPasswordSet: true,
      timeoutSeconds: 20,
      source: 'organisation',
    });
    expect(JSON.stringify(changed)).not.toContain('a-new-secret-value');
    for await (const message of subscription) {
      const text = new TextDecoder().decode(message.data);
      expect(text).not.toContain('a-new-secret-value');
      const payload = JSON.parse(text) as { action: string; detailsJson: string };
      expect(payload.action).toBe('settings.ldap_changed');
      expect(JSON.parse(payload.detailsJson).changedFields.sort()).toEqual([
        'bindPassword',
        'timeoutSeconds',
      ]);
    }
    await organisation.app.client.updateLdapSettings(system, updateOf(stored, directory.password));
  });

  it('reports entries without mail, with a taken mail or with values that are not UTF-8, and applies the rest', async () => {
    const person = (uid: string) => `uid=${uid},${PEOPLE_BASE}`;
    await withLdap(async (ldap) => {
      await ldap.modify(person('zhugewenbo'), [
        new Change({ operation: 'delete', modification: new Attribute({ type: 'mail' }) }),
      ]);
      await ldap.modify(person('huangfang'), [
        new Change({
          operation: 'replace',
          modification: new Attribute({ type: 'mail', values: ['xujing@example.cn'] }),
        }),
      ]);
      await ldap.modify(person('ouchangqing'), [
        new Change({
          operation: 'add',
          modification: new Attribute({ type: 'audio', values: [Buffer.from([0x61, 0xff, 0xfe])] }),
        }),
      ]);
      await ldap.modify(person('shanyong'), [
        new Change({
          operation: 'replace',
          modification: new Attribute({ type: 'displayName', values: ['单勇 *)(uid=*)\\'] }),
        }),
      ]);
    });

    // audio is an octet string, the one kind of value slapd stores without checking it is UTF-8.
    await withSettings({ attributeMap: { deskPhone: 'audio' } }, async () => {
      const run = await syncToEnd(organisation.app, system, true);

      expect(run.status).toBe('succeeded');
      expect(
        run.failures.map((failure) => [failure.dn.split(',')[0], failure.reason]).sort(),
      ).toEqual([
        ['uid=huangfang', 'duplicate_mail'],
        ['uid=ouchangqing', 'bad_value'],
        ['uid=zhugewenbo', 'missing_mail'],
      ]);
    });
    const { rows } = await organisation.db.query(
      "SELECT display_name FROM users WHERE email = 'shanyong@example.cn'",
    );
    expect(rows).toEqual([{ display_name: '单勇 *)(uid=*)\\' }]);
  });

  it.each([
    ['down', 'ldap.unavailable'],
    ['silent', 'ldap.unavailable'],
    ['cut off mid-search', 'ldap.unavailable'],
  ])(
    'fails a run against a directory that is %s within the timeout, changing nothing',
    async (kind, code) => {
      const before = await state();
      let url = 'ldap://127.0.0.1:1';
      let server: Server | undefined;
      if (kind === 'silent') {
        ({ server, url } = await listen(() => undefined));
      } else if (kind !== 'down') {
        // Forwards to the real server and hangs up once 20 kB have come back: the bind and the
        // first searches pass, a people page is cut in half.
        ({ server, url } = await listen((client) => {
          const upstream = connectTcp(directory.port, directory.host);
          let received = 0;
          client.pipe(upstream);
          upstream.on('data', (chunk: Buffer) => {
            received += chunk.length;
            if (received > 20_000) {
              client.destroy();
              upstream.destroy();
            } else {
              client.write(chunk);
            }
          });
          client.on('error', () => upstream.destroy());
          upstream.on('error', () => client.destroy());
        }));
      }
      try {
        await withSettings({ url, timeoutSeconds: 2 }, async () => {
          const started = Date.now();

          const run = await syncToEnd(organisation.app, system, true);

          expect(run).toMatchObject({ status: 'failed', errorCode: code, created: 0, updated: 0 });
          expect(Date.now() - started).toBeLessThan(20_000);
        });
      } finally {
        server?.close();
      }
      expect(await state()).toEqual(before);
    },
  );
});
