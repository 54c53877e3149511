import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, Server, Socket, connect as connectTcp } from 'node:net';

import { Job, Queue } from 'bullmq';
import IORedis from 'ioredis';
import { Attribute, Client as LdapClient, NoSuchObjectError } from 'ldapts';
import { Client as PgClient } from 'pg';

import { Caller, systemCaller } from '@confer/grpc';
import { contacts } from '@confer/proto';
import {
  conferFailure,
  dropDatabase,
  freePort,
  testDirectoryServer,
  testServers,
  uniqueDatabaseName,
  uniqueToken,
} from '@confer/testing';

import { DIRECTORY_SYNC_QUEUE, schedulerId } from '../src/directory-sync/directory-sync.queue';
import { syncToEnd } from './fixture-directory';
import { RunningContacts, startContacts } from './start-contacts';

const directory = testDirectoryServer();
const servers = testServers();

jest.setTimeout(120_000);

// A subtree of its own: other runs share the directory server, so it is never reset.
const SUBTREE_NAME = `b5-admin-${randomBytes(4).toString('hex')}`;
const SUBTREE = `ou=${SUBTREE_NAME},${directory.baseDn}`;
const DOMAIN = `${SUBTREE_NAME}.example.cn`;
const PASSWORD_HASH = '{SSHA}c2VjcmV0LWhhc2gtb2YtYWxpY2U=';

const ENTRIES: [string, Record<string, string[]>][] = [
  [SUBTREE, { objectClass: ['organizationalUnit'], ou: [SUBTREE_NAME] }],
  [`ou=people,${SUBTREE}`, { objectClass: ['organizationalUnit'], ou: ['people'] }],
  [`ou=org,${SUBTREE}`, { objectClass: ['organizationalUnit'], ou: ['org'] }],
  [`ou=groups,${SUBTREE}`, { objectClass: ['organizationalUnit'], ou: ['groups'] }],
  [`ou=研发部,ou=org,${SUBTREE}`, { objectClass: ['organizationalUnit'], ou: ['研发部'] }],
  [
    `uid=alice,ou=people,${SUBTREE}`,
    {
      objectClass: ['inetOrgPerson'],
      uid: ['alice'],
      cn: ['李爱丽'],
      sn: ['李'],
      mail: [`alice@${DOMAIN}`],
      title: ['Engineer'],
      userPassword: [PASSWORD_HASH],
    },
  ],
  [
    `cn=研发部,ou=groups,${SUBTREE}`,
    {
      objectClass: ['groupOfNames'],
      cn: ['研发部'],
      member: [`uid=alice,ou=people,${SUBTREE}`],
      description: [`ou=研发部,ou=org,${SUBTREE}`],
    },
  ],
];

async function withLdap<T>(work: (ldap: LdapClient) => Promise<T>): Promise<T> {
  const ldap = new LdapClient({ url: directory.url });
  await ldap.bind(directory.bindDn, directory.password);
  try {
    return await work(ldap);
  } finally {
    await ldap.unbind();
  }
}

async function removeSubtree(): Promise<void> {
  await withLdap(async (ldap) => {
    try {
      const { searchEntries } = await ldap.search(SUBTREE, { scope: 'sub', attributes: ['1.1'] });
      const depth = (dn: string) => dn.split(/(?<!\\),/).length;
      for (const { dn } of searchEntries.sort((a, b) => depth(b.dn) - depth(a.dn))) {
        await ldap.del(dn);
      }
    } catch (error) {
      if (!(error instanceof NoSuchObjectError)) {
        throw error;
      }
    }
  });
}

function settingsOf(orgId: string, bindPassword: string): contacts.UpdateLdapSettingsRequest {
  return {
    orgId,
    url: directory.url,
    bindDn: directory.bindDn,
    bindPassword,
    peopleBaseDn: `ou=people,${SUBTREE}`,
    peopleFilter: '(objectClass=inetOrgPerson)',
    departmentsBaseDn: `ou=org,${SUBTREE}`,
    departmentsFilter: '(objectClass=organizationalUnit)',
    groupsBaseDn: `ou=groups,${SUBTREE}`,
    groupsFilter: '(objectClass=groupOfNames)',
    attributeMap: {},
    disabledValues: ['disabled'],
    adminGroupDn: '',
    syncIntervalSeconds: 0,
    startTls: false,
    tlsCaCertificate: '',
    tlsSkipVerify: false,
    pageSize: 0,
    timeoutSeconds: 5,
  };
}

/** A loopback TCP server posing as a directory: it keeps what it is sent and never answers. */
async function captureServer(): Promise<{ url: string; received: () => string; close(): void }> {
  const port = await freePort();
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  return {
    url: `ldap://127.0.0.1:${port}`,
    received: () => Buffer.concat(chunks).toString('latin1'),
    close: () => {
      sockets.forEach((socket) => socket.destroy());
      server.close();
    },
  };
}

/** A TCP proxy to the test Redis that can be taken down and brought back on the same port. */
class RedisProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    if (this.server) {
      return;
    }
    const target = new URL(servers.redisUrl);
    this.server = createServer((client) => {
      const upstream = connectTcp(Number(target.port || 6379), target.hostname);
      this.sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.port, '127.0.0.1', resolve);
    });
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.sockets.forEach((socket) => socket.destroy());
    this.sockets.clear();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

async function within<T>(ms: number, what: string, call: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });

  return Promise.race([call, late]).finally(() => clearTimeout(timer));
}

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (await check()) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} did not happen within 30 s`);
}

describe('directory settings and runs against an administrator who means harm, and Redis down', () => {
  const database = uniqueDatabaseName('contacts_sync_admin_it');
  const prefix = uniqueToken('it');
  const env = {
    POSTGRES_URL: servers.postgresUrl,
    DATABASE_NAME: database,
    NATS_URL: servers.natsUrl,
    NATS_PREFIX: prefix,
    REDIS_URL: servers.redisUrl,
  };
  const orgId = randomUUID();
  const otherOrgId = randomUUID();
  const system = systemCaller(orgId, 'it-sync-admin');
  const admin: Caller = {
    userId: randomUUID(),
    orgId,
    roles: ['org_admin'],
    correlationId: 'it-a',
  };
  const otherAdmin: Caller = { ...admin, userId: randomUUID(), orgId: otherOrgId };
  let app: RunningContacts;
  let db: PgClient;
  let redis: IORedis;
  let queue: Queue;

  beforeAll(async () => {
    await removeSubtree();
    await withLdap(async (ldap) => {
      for (const [dn, attributes] of ENTRIES) {
        await ldap.add(
          dn,
          Object.entries(attributes).map(([type, values]) => new Attribute({ type, values })),
        );
      }
    });
    app = await startContacts(env);
    await app.client.createOrganisation(system, { id: orgId, name: '甲公司', domain: DOMAIN });
    await app.client.createOrganisation(systemCaller(otherOrgId, 'it'), {
      id: otherOrgId,
      name: '乙公司',
      domain: `other-${DOMAIN}`,
    });
    await app.client.updateLdapSettings(admin, settingsOf(orgId, directory.password));
    const url = new URL(servers.postgresUrl);
    url.pathname = `/${database}`;
    db = new PgClient({ connectionString: url.toString() });
    await db.connect();
    redis = new IORedis(servers.redisUrl, { maxRetriesPerRequest: null });
    queue = new Queue(DIRECTORY_SYNC_QUEUE, { connection: redis, prefix: `${prefix}:bull` });
  });

  afterAll(async () => {
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await redis?.quit();
    await app?.close();
    await db?.end();
    await dropDatabase(servers.postgresUrl, database);
    await removeSubtree();
  });

  /** The period of the organisation's schedule in Redis, in ms; undefined when it has none. */
  async function scheduled(id: string): Promise<number | undefined> {
    const schedulers = await queue.getJobSchedulers();
    const found = schedulers.find((scheduler) => scheduler.key === schedulerId(id));

    return found ? Number(found.every) : undefined;
  }

  async function storedRow(): Promise<Record<string, unknown>> {
    const { rows } = await db.query('SELECT * FROM directory_servers WHERE org_id = $1', [orgId]);

    return rows[0];
  }

  it('sends the stored bind password only to the server, account and TLS it was given for', async () => {
    const capture = await captureServer();
    try {
      const before = await storedRow();

      const moved = await conferFailure(
        app.client.updateLdapSettings(admin, { ...settingsOf(orgId, ''), url: capture.url }),
      );
      const unprotected = await conferFailure(
        app.client.updateLdapSettings(admin, {
          ...settingsOf(orgId, ''),
          url: directory.url.replace('ldap:', 'ldaps:'),
          tlsSkipVerify: true,
        }),
      );

      for (const refusal of [moved, unprotected]) {
        expect(refusal.code).toBe('ldap_settings.invalid');
        expect(refusal.details).toEqual({
          fields: {
            bindPassword: ['must be given again when the URL, bind DN or TLS settings change'],
          },
        });
      }
      expect(await storedRow()).toEqual(before);
      const run = await syncToEnd(app, admin, true);
      expect(run.status).toBe('succeeded');
      expect(capture.received()).not.toContain(directory.password);

      // Typed again, the change is taken, and the capture gets what was typed, nothing else.
      await app.client.updateLdapSettings(admin, {
        ...settingsOf(orgId, 'typed-for-this-server'),
        url: capture.url,
        timeoutSeconds: 1,
      });
      const failed = await syncToEnd(app, admin, true);
      expect(failed).toMatchObject({ status: 'failed', errorCode: 'ldap.unavailable' });
      expect(capture.received()).toContain('typed-for-this-server');
      expect(capture.received()).not.toContain(directory.password);
    } finally {
      capture.close();
      await app.client.updateLdapSettings(admin, settingsOf(orgId, directory.password));
    }
  });

  it('refuses an attribute map that would copy password hashes into what every member reads', async () => {
    const before = await storedRow();

    const refusal = await conferFailure(
      app.client.updateLdapSettings(admin, {
        ...settingsOf(orgId, directory.password),
        attributeMap: { title: 'userPassword' },
      }),
    );
    const run = await syncToEnd(app, admin, true);

    expect(refusal.code).toBe('ldap_settings.invalid');
    expect(refusal.details).toEqual({
      fields: { attributeMap: ['"userPassword" holds credentials and may not be mapped'] },
    });
    expect(await storedRow()).toEqual(before);
    expect(run.status).toBe('succeeded');
    const { rows } = await db.query('SELECT title FROM users WHERE email = $1', [
      `alice@${DOMAIN}`,
    ]);
    expect(rows).toEqual([{ title: 'Engineer' }]);
  });

  it("keeps one organisation's administrators and members out of another's directory settings and runs", async () => {
    const run = await syncToEnd(app, admin, false);
    const member: Caller = { ...admin, userId: randomUUID(), roles: [] };

    const refusals = await Promise.all([
      conferFailure(app.client.getLdapSettings(otherAdmin, { orgId })),
      conferFailure(app.client.updateLdapSettings(otherAdmin, settingsOf(orgId, 'x'))),
      conferFailure(app.client.startDirectorySync(otherAdmin, { orgId, full: true })),
      conferFailure(app.client.listDirectorySyncRuns(otherAdmin, { orgId, limit: 5 })),
      conferFailure(app.client.getDirectorySyncRun(otherAdmin, { id: run.id })),
      conferFailure(app.client.startDirectorySync(member, { orgId, full: true })),
      conferFailure(app.client.getLdapSettings(member, { orgId })),
    ]);

    expect(refusals.map((error) => error.code)).toEqual([
      'ldap_settings.forbidden',
      'ldap_settings.forbidden',
      'directory_sync.forbidden',
      'directory_sync.forbidden',
      'directory_sync.run_not_found',
      'directory_sync.forbidden',
      'ldap_settings.forbidden',
    ]);
    expect((await app.client.getLdapSettings(admin, { orgId })).url).toBe(directory.url);
  });

  it('starts one run of several asked for at once; the others are already_running', async () => {
    const answers = await Promise.allSettled(
      Array.from({ length: 4 }, () => app.client.startDirectorySync(admin, { orgId, full: true })),
    );
    const started = answers.flatMap((answer) =>
      answer.status === 'fulfilled' ? [answer.value] : [],
    );
    const refused = answers.flatMap((answer) =>
      answer.status === 'rejected' ? [(answer.reason as { code: string }).code] : [],
    );

    expect(started).toHaveLength(1);
    expect(refused).toEqual(Array(3).fill('directory_sync.already_running'));
    await eventually(
      async () =>
        (await app.client.getDirectorySyncRun(admin, { id: started[0].id })).status !== 'running',
      'the run',
    );
  });

  it('does not run a tick of a schedule that was turned off while Redis kept it', async () => {
    const runsBefore = await db.query('SELECT count(*)::int AS n FROM sync_runs');
    // What Redis still holds after the interval went to 0 while it was out of reach.
    await queue.upsertJobScheduler(
      schedulerId(orgId),
      { every: 3_600_000 },
      { name: 'tick', data: { kind: 'tick', orgId }, opts: { attempts: 1 } },
    );
    const tick = await queue.add('tick', { kind: 'tick', orgId }, { attempts: 1 });

    let done: Job | undefined;
    await eventually(async () => {
      done = await Job.fromId(queue, tick.id!);

      return (await done?.getState()) === 'completed';
    }, 'the tick');

    expect(done?.returnvalue).toBe('skipped: the organisation has no schedule');
    expect((await db.query('SELECT count(*)::int AS n FROM sync_runs')).rows).toEqual(
      runsBefore.rows,
    );
    expect(await scheduled(orgId)).toBeUndefined();
  });

  describe('with Redis out of reach', () => {
    let proxy: RedisProxy;
    let viaProxy: RunningContacts | undefined;
    const proxiedOrg = randomUUID();
    const proxiedAdmin: Caller = { ...admin, orgId: proxiedOrg };
    const scheduler = () => scheduled(proxiedOrg);

    beforeAll(async () => {
      proxy = new RedisProxy(await freePort());
      await proxy.up();
      viaProxy = await startContacts({ ...env, REDIS_URL: proxy.url });
      await viaProxy.client.createOrganisation(systemCaller(proxiedOrg, 'it'), {
        id: proxiedOrg,
        name: '丙公司',
        domain: `proxied-${DOMAIN}`,
      });
      await viaProxy.client.updateLdapSettings(proxiedAdmin, {
        ...settingsOf(proxiedOrg, directory.password),
        orgId: proxiedOrg,
      });
    });

    afterAll(async () => {
      await proxy.up();
      await viaProxy?.close();
      await proxy.down();
    });

    it('answers a settings change at once and sets its schedule when Redis is back', async () => {
      await proxy.down();
      const started = Date.now();

      const changed = await within(
        15_000,
        'UpdateLdapSettings',
        viaProxy!.client.updateLdapSettings(proxiedAdmin, {
          ...settingsOf(proxiedOrg, ''),
          syncIntervalSeconds: 3600,
        }),
      );
      const refusal = await conferFailure(
        viaProxy!.client.startDirectorySync(proxiedAdmin, { orgId: proxiedOrg, full: true }),
      );

      expect(changed.syncIntervalSeconds).toBe(3600);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(refusal.code).toBe('directory_sync.queue_unavailable');
      const { rows } = await db.query(
        'SELECT status, error_code FROM sync_runs WHERE org_id = $1',
        [proxiedOrg],
      );
      expect(rows).toEqual([{ status: 'failed', error_code: 'directory_sync.queue_unavailable' }]);
      expect(await scheduler()).toBeUndefined();

      await proxy.up();

      await eventually(async () => (await scheduler()) === 3_600_000, 'the schedule');
    });

    it('starts while Redis is down; once it is back, removes a schedule turned off meanwhile and takes runs', async () => {
      await viaProxy!.close();
      viaProxy = undefined;
      await proxy.down();
      await db.query('UPDATE directory_servers SET sync_interval_seconds = 0 WHERE org_id = $1', [
        proxiedOrg,
      ]);

      viaProxy = await within(
        30_000,
        'contacts start',
        startContacts({ ...env, REDIS_URL: proxy.url }),
      );
      const settings = await viaProxy.client.getLdapSettings(proxiedAdmin, { orgId: proxiedOrg });
      expect(settings.syncIntervalSeconds).toBe(0);
      expect(await scheduler()).toBe(3_600_000);

      await proxy.up();

      await eventually(
        async () => (await scheduler()) === undefined,
        'the removal of the schedule',
      );
      // The queue made while Redis was down works once it is back: runs are taken again.
      const run = await viaProxy.client.startDirectorySync(proxiedAdmin, {
        orgId: proxiedOrg,
        full: true,
      });
      await eventually(
        async () =>
          (await viaProxy!.client.getDirectorySyncRun(proxiedAdmin, { id: run.id })).status !==
          'running',
        'the run',
      );
    });
  });
});
