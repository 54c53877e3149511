// The audit trail against real PostgreSQL and NATS: lines published through
// recordAudit and a service's outbox relay, by services that start before and
// after auth-2fa, read back over gRPC exactly once, across a restart.
import { randomUUID } from 'node:crypto';

import { Module } from '@nestjs/common';
import { connect, JetStreamManager, NatsConnection, StringCodec } from 'nats';
import { DataSource } from 'typeorm';

import { ServicePlatformModule } from '@confer/bootstrap';
import { openDataSource } from '@confer/database';
import {
  AuditEntry,
  AUDIT_EVENT,
  auditPayload,
  createOutboxTables,
  ensureStream,
  eventSubject,
  OutboxRelay,
  recordAudit,
  serviceStream,
} from '@confer/events';
import { Caller } from '@confer/grpc';
import { audit } from '@confer/proto';
import {
  conferFailure,
  dropDatabase,
  startTestApp,
  testGrpcClient,
  TestApp,
  testServers,
  uniqueDatabaseName,
  uniqueToken,
} from '@confer/testing';

import { AuditRetentionService } from '../src/audit/audit-retention.service';
import { AuditModule } from '../src/audit/audit.module';
import { AuthConfig, loadAuthConfig } from '../src/config';
import { ENTITIES } from '../src/entities';
import { MIGRATIONS } from '../src/migrations';

jest.setTimeout(60_000);

const servers = testServers();

/** auth-2fa with only its platform and the audit trail: what this spec exercises. */
@Module({})
class AuditOnlyModule {
  static forRoot(config: AuthConfig) {
    return {
      module: AuditOnlyModule,
      imports: [
        ServicePlatformModule.forRoot({
          config,
          entities: ENTITIES,
          migrations: MIGRATIONS,
          grpc: 'auth',
        }),
        AuditModule.forRoot(config),
      ],
    };
  }
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) {
      return value;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('audit trail (auth-2fa)', () => {
  const authDatabase = uniqueDatabaseName('audit_it');
  const publisherDatabase = uniqueDatabaseName('audit_it_pub');
  const prefix = uniqueToken('audit');
  const orgId = randomUUID();
  const otherOrgId = randomUUID();
  const adminId = randomUUID();
  const aliceId = randomUUID();
  const bobId = randomUUID();
  const admin: Caller = { userId: adminId, orgId, roles: ['org_admin'], correlationId: 'it-audit' };
  const alice: Caller = { userId: aliceId, orgId, roles: [], correlationId: 'it-audit' };
  const env = {
    LOG_LEVEL: 'silent',
    POSTGRES_URL: servers.postgresUrl,
    DATABASE_NAME: authDatabase,
    NATS_URL: servers.natsUrl,
    NATS_PREFIX: prefix,
    REDIS_URL: servers.redisUrl,
    HTTP_PORT: '0',
    // contacts' stream exists before auth-2fa starts; mail-bridge's does not; "late" is not
    // configured at all and must be found by discovery.
    AUDIT_SOURCES: 'contacts,mail-bridge',
    AUDIT_DISCOVERY_INTERVAL_SECONDS: '1',
    AUDIT_RETENTION_DAYS: '30',
  };
  let publisher: DataSource;
  let relay: OutboxRelay;
  let nats: NatsConnection;
  let jsm: JetStreamManager;
  let app: TestApp<object> | undefined;
  let client: ReturnType<typeof testGrpcClient<audit.AuditServiceClient>> | undefined;
  let authDb: DataSource;

  /** What a service does: the line in its outbox in a transaction, then its relay publishes. */
  async function publish(service: string, entries: AuditEntry[]): Promise<string[]> {
    const subjects = { subject: (event: string) => eventSubject(prefix, service, event) };
    const ids = await publisher.transaction(async (manager) => {
      const written: string[] = [];
      for (const entry of entries) {
        written.push(await recordAudit(manager, subjects, entry));
      }

      return written;
    });
    while ((await relay.relayBatch()) > 0) {
      // drain
    }

    return ids;
  }

  async function startAuth(): Promise<void> {
    app = await startTestApp<object>('auth', (grpcPort) =>
      AuditOnlyModule.forRoot(loadAuthConfig({ ...env, GRPC_PORT: String(grpcPort) })),
    );
    client = testGrpcClient<audit.AuditServiceClient>('audit', app.grpcUrl);
  }

  async function stopAuth(): Promise<void> {
    client?.close();
    await app?.close();
    app = undefined;
  }

  async function storedIds(ids: string[]): Promise<string[]> {
    const rows: { event_id: string }[] = await authDb.query(
      'SELECT event_id FROM audit_entries WHERE event_id = ANY($1)',
      [ids],
    );

    return rows.map((row) => row.event_id).sort();
  }

  async function orgTrail(request: Partial<audit.ListOrgAuditRequest> = {}) {
    return client!.client.listOrgAudit(admin, {
      userId: '',
      actionPrefix: '',
      since: '',
      until: '',
      limit: 0,
      cursor: '',
      ...request,
    });
  }

  beforeAll(async () => {
    publisher = await openDataSource(
      {
        url: servers.postgresUrl,
        database: publisherDatabase,
        poolSize: 4,
        migrateOnStart: false,
        entities: [],
        migrations: [],
      },
      false,
    );
    const runner = publisher.createQueryRunner();
    await createOutboxTables(runner);
    await runner.release();
    nats = await connect({ servers: servers.natsUrl });
    jsm = await nats.jetstreamManager();
    relay = new OutboxRelay(publisher, nats.jetstream(), { lockName: `audit-it-${prefix}` });
    await ensureStream(jsm, serviceStream(prefix, 'contacts'));
  });

  afterAll(async () => {
    await stopAuth();
    await relay?.stop();
    for (const service of ['contacts', 'mail-bridge', 'late', 'auth-2fa']) {
      await jsm?.streams.delete(serviceStream(prefix, service).name).catch(() => undefined);
    }
    await nats?.close();
    await authDb?.destroy();
    await publisher?.destroy();
    await dropDatabase(servers.postgresUrl, authDatabase);
    await dropDatabase(servers.postgresUrl, publisherDatabase);
  });

  it('keeps a line a service published before auth-2fa started', async () => {
    const [early] = await publish('contacts', [
      {
        orgId,
        actorId: adminId,
        action: 'settings.changed',
        details: { keys: ['twoFactorRequired'] },
        clientIp: '198.51.100.7',
        occurredAt: new Date(Date.now() - 60_000),
      },
    ]);

    await startAuth();
    authDb = await openDataSource(
      {
        url: servers.postgresUrl,
        database: authDatabase,
        poolSize: 2,
        migrateOnStart: false,
        entities: [],
        migrations: [],
      },
      false,
    );

    const page = await eventually(
      () => orgTrail(),
      (value) => value.items.length > 0,
    );
    expect(page.items).toEqual([
      expect.objectContaining({
        id: early,
        orgId,
        actorId: adminId,
        subjectUserId: '',
        action: 'settings.changed',
        detailsJson: '{"keys":["twoFactorRequired"]}',
        clientIp: '198.51.100.7',
      }),
    ]);
  });

  it('keeps lines from a configured service whose stream did not exist, and from one found later', async () => {
    const [configured] = await publish('mail-bridge', [
      { orgId, actorId: adminId, action: 'settings.mail_domain_changed' },
    ]);
    await ensureStream(jsm, serviceStream(prefix, 'late'));
    const [late] = await publish('late', [
      { orgId, actorId: adminId, subjectUserId: bobId, action: 'late.thing_done' },
    ]);

    const stored = await eventually(
      () => storedIds([configured, late]),
      (ids) => ids.length === 2,
    );
    expect(stored).toEqual([configured, late].sort());
  });

  it('stores a redelivered or republished line once', async () => {
    const [id] = await publish('contacts', [
      { orgId, actorId: aliceId, subjectUserId: aliceId, action: 'two_factor.enrolled' },
    ]);
    await eventually(
      () => storedIds([id]),
      (ids) => ids.length === 1,
    );
    // The same event published again outside JetStream's duplicate window: a new message id.
    const again = auditPayload(
      { orgId, actorId: aliceId, subjectUserId: aliceId, action: 'two_factor.enrolled' },
      id,
    );
    await nats
      .jetstream()
      .publish(
        eventSubject(prefix, 'contacts', AUDIT_EVENT),
        StringCodec().encode(JSON.stringify(again)),
        {
          msgID: randomUUID(),
        },
      );
    const marker = await publish('contacts', [{ orgId, actorId: adminId, action: 'marker.sent' }]);
    await eventually(
      () => storedIds(marker),
      (ids) => ids.length === 1,
    );

    const [{ count }] = await authDb.query(
      'SELECT count(*)::int AS count FROM audit_entries WHERE event_id = $1',
      [id],
    );
    expect(count).toBe(1);
  });

  it('loses nothing published while auth-2fa is down, and doubles nothing after the restart', async () => {
    await stopAuth();
    const entries = Array.from({ length: 30 }, (_, index) => ({
      orgId,
      actorId: adminId,
      subjectUserId: index % 2 === 0 ? aliceId : bobId,
      action: 'session.revoked',
      details: { n: index },
    }));
    const ids = await publish('contacts', entries);

    await startAuth();

    const stored = await eventually(
      () => storedIds(ids),
      (found) => found.length === ids.length,
    );
    expect(stored).toEqual([...ids].sort());
    const [{ total, distinct }] = await authDb.query(
      `SELECT count(*)::int AS total, count(DISTINCT event_id)::int AS distinct
       FROM audit_entries WHERE action = 'session.revoked'`,
    );
    expect({ total, distinct }).toEqual({ total: 30, distinct: 30 });
  });

  it('never stores secret-looking details', async () => {
    const [id] = await publish('contacts', [
      {
        orgId,
        actorId: adminId,
        action: 'settings.mail_domain_changed',
        details: { domain: 'mail.example', smtp: { password: 'pw-0123' }, token: 'tk-4567' },
      },
    ]);
    await eventually(
      () => storedIds([id]),
      (ids) => ids.length === 1,
    );

    const [row] = await authDb.query(
      'SELECT details::text AS details FROM audit_entries WHERE event_id = $1',
      [id],
    );
    expect(JSON.parse(row.details)).toEqual({ domain: 'mail.example', smtp: {} });
    expect(row.details).not.toMatch(/pw-0123|tk-4567/);
  });

  it('drops a malformed line and keeps consuming after it', async () => {
    const bad = { ...auditPayload({ orgId, actorId: adminId, action: 'x.y' }), orgId: 'acme' };
    await nats
      .jetstream()
      .publish(
        eventSubject(prefix, 'contacts', AUDIT_EVENT),
        StringCodec().encode(JSON.stringify(bad)),
        {
          msgID: bad.eventId,
        },
      );
    const after = await publish('contacts', [{ orgId, actorId: adminId, action: 'after.bad' }]);

    expect(
      await eventually(
        () => storedIds(after),
        (ids) => ids.length === 1,
      ),
    ).toEqual(after);
    expect(await storedIds([bad.eventId])).toEqual([]);
  });

  it("answers a person their own lines, done by them or about them, and nobody else's", async () => {
    // The same person id in another organisation: stored, but not part of this trail.
    const elsewhere = await publish('contacts', [
      {
        orgId: otherOrgId,
        actorId: aliceId,
        subjectUserId: aliceId,
        action: 'two_factor.disabled',
      },
    ]);
    await eventually(
      () => storedIds(elsewhere),
      (ids) => ids.length === 1,
    );

    const mine = await client!.client.listMyAudit(alice, {
      actionPrefix: '',
      limit: 200,
      cursor: '',
    });

    expect(mine.items.length).toBeGreaterThan(0);
    for (const item of mine.items) {
      expect(item.orgId).toBe(orgId);
      expect([item.actorId, item.subjectUserId]).toContain(aliceId);
    }
    const filtered = await client!.client.listMyAudit(alice, {
      actionPrefix: 'two_factor',
      limit: 50,
      cursor: '',
    });
    expect(filtered.items.map((item) => item.action)).toEqual(['two_factor.enrolled']);
  });

  it('refuses the organisation trail to a member with 403 auth.forbidden', async () => {
    const error = await conferFailure(
      client!.client.listOrgAudit(alice, {
        userId: '',
        actionPrefix: '',
        since: '',
        until: '',
        limit: 0,
        cursor: '',
      }),
    );

    expect([error.httpStatus, error.code]).toEqual([403, 'auth.forbidden']);
  });

  it('filters the organisation trail by user, action and time, and pages it without gaps', async () => {
    const byBob = await orgTrail({ userId: bobId, limit: 200 });
    expect(byBob.items.length).toBe(16);
    expect(
      byBob.items.every((item) => item.subjectUserId === bobId || item.actorId === bobId),
    ).toBe(true);

    const mailOnly = await orgTrail({ actionPrefix: 'settings.mail_domain_changed', limit: 200 });
    expect(mailOnly.items).toHaveLength(2);

    const future = await orgTrail({ since: new Date(Date.now() + 3_600_000).toISOString() });
    expect(future.items).toEqual([]);
    const invalid = await conferFailure(
      orgTrail({ since: '2026-02-01T00:00:00Z', until: '2026-01-01T00:00:00Z' }),
    );
    expect([invalid.httpStatus, invalid.code]).toEqual([422, 'audit.filter_invalid']);

    const everything = await orgTrail({ limit: 200 });
    const seen: string[] = [];
    let cursor = '';
    do {
      const page = await orgTrail({ limit: 7, cursor });
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(everything.items.map((item) => item.id));
    const times = everything.items.map((item) => Date.parse(item.occurredAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(everything.items.some((item) => item.orgId !== orgId)).toBe(false);
  });

  it('prunes lines older than the retention period and keeps the rest', async () => {
    const [old, recent] = await publish('contacts', [
      {
        orgId,
        actorId: adminId,
        action: 'settings.changed',
        occurredAt: new Date(Date.now() - 31 * 24 * 3600 * 1000),
      },
      {
        orgId,
        actorId: adminId,
        action: 'settings.changed',
        occurredAt: new Date(Date.now() - 29 * 24 * 3600 * 1000),
      },
    ]);
    await eventually(
      () => storedIds([old, recent]),
      (ids) => ids.length === 2,
    );

    const deleted = await app!.app.get(AuditRetentionService).runOnce();

    expect(deleted).toBe(1);
    expect(await storedIds([old, recent])).toEqual([recent]);
  });
});
