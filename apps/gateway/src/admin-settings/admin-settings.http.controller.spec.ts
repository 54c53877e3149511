import { ConferError } from '@confer/errors';
import { Caller } from '@confer/grpc';
import { contacts } from '@confer/proto';

import { ContactsClient } from '../clients/service-clients';
import { AdminSettingsHttpController } from './admin-settings.http.controller';

const { GroupCreationPolicy } = contacts;

const admin: Caller = {
  userId: '00000000-0000-4000-8000-000000000001',
  orgId: '00000000-0000-4000-8000-0000000000aa',
  roles: ['org_admin'],
  correlationId: 'spec',
};

const stored: contacts.OrgSettings = {
  orgId: admin.orgId,
  twoFactorRequired: false,
  groupCreationPolicy: GroupCreationPolicy.GROUP_CREATION_POLICY_EVERYONE,
  groupCreationDepartmentIds: [],
  updatedAt: '',
};

describe(AdminSettingsHttpController.name, () => {
  const calls: { method: string; request: unknown }[] = [];
  const client = {
    getOrgSettings: async (_: Caller, request: unknown) => {
      calls.push({ method: 'getOrgSettings', request });

      return stored;
    },
    updateOrgSettings: async (_: Caller, request: unknown) => {
      calls.push({ method: 'updateOrgSettings', request });

      return {
        ...stored,
        groupCreationPolicy: GroupCreationPolicy.GROUP_CREATION_POLICY_DEPARTMENTS,
        groupCreationDepartmentIds: ['00000000-0000-4000-8000-0000000000d1'],
        updatedAt: '2026-01-01T00:00:00.000Z',
      };
    },
  } as unknown as ContactsClient;
  const controller = new AdminSettingsHttpController(client);

  beforeEach(() => {
    calls.length = 0;
  });

  it('answers the settings with policy names and a null updatedAt before any change', async () => {
    await expect(controller.get(admin)).resolves.toEqual({
      orgId: admin.orgId,
      groupCreation: { policy: 'everyone', departmentIds: [] },
      twoFactorRequired: false,
      updatedAt: null,
    });
    expect(calls).toEqual([{ method: 'getOrgSettings', request: { orgId: admin.orgId } }]);
  });

  it('passes only the keys sent and the client address, leaving the policy unspecified when absent', async () => {
    await controller.update(admin, { twoFactorRequired: true }, '192.0.2.7');
    const updated = await controller.update(
      admin,
      {
        groupCreation: {
          policy: 'departments',
          departmentIds: ['00000000-0000-4000-8000-0000000000d1'],
        },
      },
      '192.0.2.7',
    );

    expect(calls.map((call) => call.request)).toEqual([
      {
        orgId: admin.orgId,
        twoFactorRequired: true,
        groupCreationPolicy: GroupCreationPolicy.GROUP_CREATION_POLICY_UNSPECIFIED,
        groupCreationDepartmentIds: [],
        clientIp: '192.0.2.7',
      },
      {
        orgId: admin.orgId,
        twoFactorRequired: undefined,
        groupCreationPolicy: GroupCreationPolicy.GROUP_CREATION_POLICY_DEPARTMENTS,
        groupCreationDepartmentIds: ['00000000-0000-4000-8000-0000000000d1'],
        clientIp: '192.0.2.7',
      },
    ]);
    expect(updated.groupCreation.policy).toBe('departments');
    expect(updated.updatedAt).toBe('2026-01-01T00:00:00.000Z');
  });

  it('refuses members who are not administrators without asking contacts', async () => {
    const member = { ...admin, roles: [] };

    const refusals = await Promise.allSettled([
      controller.get(member),
      controller.update(member, { twoFactorRequired: true }, '192.0.2.7'),
    ]);

    expect(
      refusals.map((outcome) =>
        outcome.status === 'rejected' && outcome.reason instanceof ConferError
          ? [outcome.reason.code, outcome.reason.httpStatus]
          : outcome.status,
      ),
    ).toEqual([
      ['auth.forbidden', 403],
      ['auth.forbidden', 403],
    ]);
    expect(calls).toEqual([]);
  });
});
