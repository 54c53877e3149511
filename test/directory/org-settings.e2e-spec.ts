// Organisation settings through the gateway: only administrators read and change them,
// bad input changes nothing, each change is on the audit trail, and messaging enforces the
// group creation policy on group chats and discussions.
import { randomUUID } from 'node:crypto';

import {
  ApiClient,
  ApiErrorBody,
  createDiscussion,
  createGroup,
  createUsers,
  expectStatus,
  signInAdmin,
  sleep,
  TestUser,
  useStack,
} from '../support';

interface OrgSettings {
  orgId: string;
  groupCreation: { policy: string; departmentIds: string[] };
  twoFactorRequired: boolean;
  updatedAt: string | null;
}

interface AuditLine {
  actorId: string;
  action: string;
  details: { keys?: string[]; changes?: Record<string, { from: unknown; to: unknown }> };
}

describe('organisation settings', () => {
  const stack = useStack();
  let admin: ApiClient;
  let alice: TestUser;
  let bob: TestUser;
  let original: OrgSettings;

  beforeAll(async () => {
    admin = await signInAdmin(stack().gatewayUrl);
    [alice, bob] = await createUsers(admin, 2);
    original = expectStatus(await admin.get<OrgSettings>('/admin/settings'), 200);
  });

  it('refuses members who are not administrators, reading or changing', async () => {
    const read = await alice.api.get<ApiErrorBody>('/admin/settings');
    const write = await alice.api.request<ApiErrorBody>('PATCH', '/admin/settings', {
      groupCreation: { policy: 'everyone', departmentIds: [] },
    });

    expect([read.status, read.body.error.code]).toEqual([403, 'auth.forbidden']);
    expect([write.status, write.body.error.code]).toEqual([403, 'auth.forbidden']);
    expect(expectStatus(await admin.get<OrgSettings>('/admin/settings'), 200)).toEqual(original);
  });

  it('answers bad input with its code and changes nothing', async () => {
    const cases: [unknown, number, string][] = [
      [{ groupCreation: { policy: 'nobody' } }, 400, 'request.invalid'],
      [{ twoFactorRequired: 'yes' }, 400, 'request.invalid'],
      [
        { groupCreation: { policy: 'departments', departmentIds: ['sales'] } },
        400,
        'request.invalid',
      ],
      [{ groupCreation: { policy: 'departments', departmentIds: [] } }, 422, 'settings.invalid'],
      [
        { groupCreation: { policy: 'departments', departmentIds: [randomUUID()] } },
        422,
        'settings.unknown_department',
      ],
      [
        { groupCreation: { policy: 'everyone', departmentIds: [randomUUID()] } },
        422,
        'settings.invalid',
      ],
    ];

    for (const [body, status, code] of cases) {
      const response = await admin.request<ApiErrorBody>('PATCH', '/admin/settings', body);
      expect([JSON.stringify(body), response.status, response.body.error?.code]).toEqual([
        JSON.stringify(body),
        status,
        code,
      ]);
    }
    expect(expectStatus(await admin.get<OrgSettings>('/admin/settings'), 200)).toEqual(original);
  });

  it('lets only administrators create groups and discussions once the policy says so, and audits the change', async () => {
    try {
      const started = new Date(Date.now() - 1_000).toISOString();
      const changed = expectStatus(
        await admin.request<OrgSettings>('PATCH', '/admin/settings', {
          groupCreation: { policy: 'administrators', departmentIds: [] },
        }),
        200,
      );
      expect(changed.groupCreation).toEqual({ policy: 'administrators', departmentIds: [] });
      expect(changed.updatedAt).not.toBeNull();

      const group = await alice.api.post<ApiErrorBody>('/conversations', {
        title: 'not allowed',
        memberIds: [bob.id],
      });
      const discussion = await alice.api.post<ApiErrorBody>('/discussions', {
        topic: 'not allowed either',
        memberIds: [bob.id],
      });
      expect([group.status, group.body.error.code]).toEqual([
        403,
        'conversation.group_creation_restricted',
      ]);
      expect([discussion.status, discussion.body.error.code]).toEqual([
        403,
        'conversation.group_creation_restricted',
      ]);
      // Private chats are not groups; administrators still create groups.
      expect((await alice.api.post('/conversations/private', { peerId: bob.id })).status).toBe(200);
      const adminUser: TestUser = {
        id: admin.userId!,
        email: '',
        password: '',
        displayName: '',
        api: admin,
      };
      await expect(createGroup(adminUser, [alice])).resolves.toMatchObject({ memberCount: 2 });

      const lines = await auditLines(started, (found) => found.length >= 1);
      expect(lines[0]).toMatchObject({
        actorId: admin.userId,
        action: 'settings.changed',
        details: {
          keys: ['groupCreationPolicy'],
          changes: {
            groupCreationPolicy: { from: original.groupCreation.policy, to: 'administrators' },
          },
        },
      });

      expectStatus(
        await admin.request('PATCH', '/admin/settings', {
          groupCreation: { policy: 'everyone', departmentIds: [] },
        }),
        200,
      );
      await expect(createDiscussion(alice, [bob])).resolves.toMatchObject({ memberCount: 2 });
    } finally {
      // Other specs share the demo organisation: leave its settings as they were.
      await admin.request('PATCH', '/admin/settings', {
        groupCreation: original.groupCreation,
        twoFactorRequired: original.twoFactorRequired,
      });
    }
  });

  /** settings.changed lines since `since`, newest first, once `done` holds (or after 20 s). */
  async function auditLines(since: string, done: (lines: AuditLine[]) => boolean) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const page = expectStatus(
        await admin.get<{ items: AuditLine[] }>(
          `/admin/audit?action=settings.changed&since=${encodeURIComponent(since)}`,
        ),
        200,
      );
      if (done(page.items) || Date.now() > deadline) {
        return page.items;
      }
      await sleep(200);
    }
  }
});
