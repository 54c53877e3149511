// The audit trail through the gateway: a real administrator's change on
// contacts and lines about a person published as a service does, read by the
// administrator (GET /admin/audit) and by the person (GET /me/audit).
import { connect, NatsConnection, StringCodec } from 'nats';

import { AUDIT_EVENT, auditPayload, AuditEntry, eventSubject } from '@confer/events';
import { Caller } from '@confer/grpc';
import { contacts } from '@confer/proto';
import { testGrpcClient, testServers } from '@confer/testing';

import {
  ApiClient,
  ApiErrorBody,
  createUsers,
  expectStatus,
  signInAdmin,
  sleep,
  TestUser,
  useStack,
} from './support';

interface AuditLine {
  id: string;
  orgId: string;
  actorId: string;
  subjectUserId: string | null;
  action: string;
  details: Record<string, unknown>;
  clientIp: string | null;
  occurredAt: string;
  recordedAt: string;
}

interface AuditPage {
  items: AuditLine[];
  nextCursor: string | null;
}

/** Every line a query answers, following nextCursor; fails on a repeated line. */
async function allPages(api: ApiClient, path: string, limit: number): Promise<AuditLine[]> {
  const lines: AuditLine[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const query: string = `${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page: AuditPage = expectStatus(await api.get<AuditPage>(`${path}${query}`), 200);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    lines.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  expect(new Set(lines.map((line) => line.id)).size).toBe(lines.length);

  return lines;
}

/** Reads until the lines are there: the trail is filled from the services' streams. */
async function until(
  read: () => Promise<AuditLine[]>,
  done: (lines: AuditLine[]) => boolean,
): Promise<AuditLine[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const lines = await read();
    if (done(lines) || Date.now() > deadline) {
      return lines;
    }
    await sleep(200);
  }
}

describe('audit trail through the gateway', () => {
  const stack = useStack();
  let admin: ApiClient;
  let adminCaller: Caller;
  let alice: TestUser;
  let bob: TestUser;
  let nats: NatsConnection;
  const started = new Date(Date.now() - 1_000).toISOString();

  /** What a service's outbox relay does with a line recordAudit wrote. */
  async function publishAsService(service: string, entry: AuditEntry): Promise<string> {
    const payload = auditPayload(entry);
    await nats
      .jetstream()
      .publish(
        eventSubject(stack().prefix, service, AUDIT_EVENT),
        StringCodec().encode(JSON.stringify(payload)),
        { msgID: payload.eventId },
      );

    return payload.eventId;
  }

  beforeAll(async () => {
    admin = await signInAdmin(stack().gatewayUrl);
    adminCaller = {
      userId: admin.userId!,
      orgId: stack().seed.orgId,
      roles: ['org_admin'],
      correlationId: 'e2e-audit',
    };
    [alice, bob] = await createUsers(admin, 2);
    nats = await connect({ servers: testServers().natsUrl });
  });

  afterAll(async () => {
    await nats?.close();
  });

  it("records an administrator's settings change, readable by administrators", async () => {
    const { client, close } = testGrpcClient<contacts.ContactsServiceClient>(
      'contacts',
      stack().apps.contacts.grpcUrl!,
    );
    try {
      const before = await client.getOrgSettings(adminCaller, { orgId: adminCaller.orgId });
      const flipped =
        before.groupCreationPolicy ===
        contacts.GroupCreationPolicy.GROUP_CREATION_POLICY_ADMINISTRATORS
          ? contacts.GroupCreationPolicy.GROUP_CREATION_POLICY_EVERYONE
          : contacts.GroupCreationPolicy.GROUP_CREATION_POLICY_ADMINISTRATORS;
      try {
        await client.updateOrgSettings(adminCaller, {
          orgId: adminCaller.orgId,
          groupCreationPolicy: flipped,
          groupCreationDepartmentIds: [],
        });
      } finally {
        // Other specs share the organisation: put its policy back at once.
        await client.updateOrgSettings(adminCaller, {
          orgId: adminCaller.orgId,
          groupCreationPolicy: before.groupCreationPolicy,
          groupCreationDepartmentIds: before.groupCreationDepartmentIds,
        });
      }
    } finally {
      close();
    }

    const lines = await until(
      () => allPages(admin, `/admin/audit?action=settings.changed&since=${started}`, 50),
      (found) => found.length >= 2,
    );

    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatchObject({
        orgId: adminCaller.orgId,
        actorId: admin.userId,
        subjectUserId: null,
        action: 'settings.changed',
        details: { keys: ['groupCreationPolicy'] },
      });
    }
    // Newest first: the second change (the revert) comes first.
    expect(Date.parse(lines[0].occurredAt)).toBeGreaterThanOrEqual(Date.parse(lines[1].occurredAt));
  });

  describe('lines about a person', () => {
    const ids: string[] = [];
    const base = Date.now();
    const times = [0, 1, 2, 3, 4].map((index) => new Date(base - (5 - index) * 1_000));

    beforeAll(async () => {
      for (let index = 0; index < 5; index += 1) {
        ids.push(
          await publishAsService('auth-2fa', {
            orgId: adminCaller.orgId,
            actorId: admin.userId!,
            subjectUserId: alice.id,
            action: 'trusted_device.revoked',
            details: { deviceName: `phone ${index}`, token: 'must-not-be-kept' },
            clientIp: '203.0.113.5',
            occurredAt: times[index],
          }),
        );
      }
      await until(
        () => allPages(alice.api, '/me/audit?action=trusted_device', 50),
        (found) => found.length >= ids.length,
      );
    });

    it('shows the person their lines, newest first, paged by cursor, without secrets', async () => {
      const lines = await allPages(alice.api, '/me/audit?action=trusted_device', 2);

      expect(lines.map((line) => line.id)).toEqual([...ids].reverse());
      expect(lines[0]).toMatchObject({
        actorId: admin.userId,
        subjectUserId: alice.id,
        action: 'trusted_device.revoked',
        details: { deviceName: 'phone 4' },
        clientIp: '203.0.113.5',
      });
      expect(JSON.stringify(lines)).not.toContain('must-not-be-kept');
    });

    it('shows the administrator the same lines filtered by the person, and another person none of them', async () => {
      const byAlice = await allPages(
        admin,
        `/admin/audit?userId=${alice.id}&action=trusted_device`,
        3,
      );
      expect(byAlice.map((line) => line.id)).toEqual([...ids].reverse());

      const bobs = await allPages(bob.api, '/me/audit', 50);
      expect(bobs.filter((line) => ids.includes(line.id))).toEqual([]);
    });

    it('keeps to the time range an administrator asks for: since inclusive, until exclusive', async () => {
      const since = encodeURIComponent(times[1].toISOString());
      const before = encodeURIComponent(times[3].toISOString());
      const lines = await allPages(
        admin,
        `/admin/audit?userId=${alice.id}&action=trusted_device&since=${since}&until=${before}`,
        50,
      );

      expect(lines.map((line) => line.id)).toEqual([ids[2], ids[1]]);
    });
  });

  it('refuses the organisation trail to a member with 403 auth.forbidden', async () => {
    const response = await bob.api.get<ApiErrorBody>('/admin/audit');

    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('auth.forbidden');
  });

  it.each([
    ['/admin/audit?since=yesterday', 400, 'request.invalid'],
    ['/admin/audit?userId=me', 400, 'request.invalid'],
    ['/me/audit?action=Two_Factor', 400, 'request.invalid'],
    ['/me/audit?cursor=bm90LWEtY3Vyc29y', 400, 'request.cursor_invalid'],
    [
      '/admin/audit?since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z',
      422,
      'audit.filter_invalid',
    ],
  ])('answers %s with %i %s', async (path, status, code) => {
    const response = await admin.get<ApiErrorBody>(path);

    expect(response.status).toBe(status);
    expect(response.body.error).toMatchObject({ code, message: expect.any(String) });
  });

  it('refuses a request without a token with 401', async () => {
    const response = await new ApiClient(stack().gatewayUrl).get<ApiErrorBody>('/me/audit');

    expect(response.status).toBe(401);
  });
});
