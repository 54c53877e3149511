import { randomUUID } from 'node:crypto';

import { Client as PgClient } from 'pg';

import { Caller } from '@confer/grpc';
import { contacts } from '@confer/proto';
import { conferFailure } from '@confer/testing';

import { OrgSettingsService } from '../src/org-settings/org-settings.service';
import { useContacts } from './contacts-harness';
import { RunningContacts } from './start-contacts';

const { GroupCreationPolicy: Policy } = contacts;

jest.setTimeout(60_000);

describe(OrgSettingsService.name, () => {
  const h = useContacts('contacts_settings_it');
  let app: RunningContacts;
  let db: PgClient;
  let orgId: string;
  let system: Caller;
  let admin: Caller;
  let member: Caller;
  /** Departments: sales (root) > sales-north (child); support (root). */
  const sales = randomUUID();
  const salesNorth = randomUUID();
  const support = randomUUID();
  let northPerson: string;
  let supportPerson: string;
  let adminPerson: string;

  beforeAll(async () => {
    ({ app, db } = h);
    const organisation = await h.organisation('Settings Ltd', 'settings.example', 'it-settings');
    orgId = organisation.id;
    system = organisation.system;
    const { person } = organisation;
    northPerson = await person('north');
    supportPerson = await person('support');
    adminPerson = await person('boss', ['org_admin']);
    admin = { userId: adminPerson, orgId, roles: ['org_admin'], correlationId: 'it-admin' };
    member = { userId: northPerson, orgId, roles: [], correlationId: 'it-member' };

    await db.query(
      `INSERT INTO departments (id, org_id, parent_id, name, source_id, source_dn, path, depth)
       VALUES ($1, $4, NULL, 'Sales', 's', 'ou=s', ARRAY[$1]::uuid[], 0),
              ($2, $4, $1, 'Sales North', 'sn', 'ou=sn', ARRAY[$1, $2]::uuid[], 1),
              ($3, $4, NULL, 'Support', 'su', 'ou=su', ARRAY[$3]::uuid[], 0)`,
      [sales, salesNorth, support, orgId],
    );
    await db.query(
      'INSERT INTO user_departments (user_id, department_id) VALUES ($1, $2), ($3, $4)',
      [northPerson, salesNorth, supportPerson, support],
    );
  });

  async function settingsRow(): Promise<unknown[]> {
    return (await db.query('SELECT * FROM org_settings WHERE org_id = $1', [orgId])).rows;
  }

  /** Every audit line published so far, once the relay has drained the outbox. */
  function auditEvents(): Promise<Record<string, unknown>[]> {
    return h.published('audit.recorded');
  }

  it('answers the defaults before anything is changed, to the platform and to administrators', async () => {
    const expected = {
      orgId,
      twoFactorRequired: false,
      groupCreationPolicy: Policy.GROUP_CREATION_POLICY_EVERYONE,
      groupCreationDepartmentIds: [],
      updatedAt: '',
    };

    await expect(app.client.getOrgSettings(system, { orgId })).resolves.toEqual(expected);
    await expect(app.client.getOrgSettings(admin, { orgId: '' })).resolves.toEqual(expected);
  });

  it('refuses settings to members who are not administrators and to other organisations', async () => {
    const outsiderAdmin: Caller = { ...admin, orgId: randomUUID() };

    const refusals = await Promise.all([
      conferFailure(app.client.getOrgSettings(member, { orgId })),
      conferFailure(app.client.getOrgSettings(outsiderAdmin, { orgId })),
      conferFailure(
        app.client.updateOrgSettings(member, {
          orgId,
          twoFactorRequired: true,
          groupCreationPolicy: Policy.GROUP_CREATION_POLICY_UNSPECIFIED,
          groupCreationDepartmentIds: [],
        }),
      ),
    ]);

    expect(refusals.map((error) => error.code)).toEqual([
      'auth.forbidden',
      'auth.forbidden',
      'auth.forbidden',
    ]);
    expect(await settingsRow()).toEqual([]);
  });

  it('refuses bad input and changes nothing', async () => {
    const before = await auditEvents();
    const base = { orgId, twoFactorRequired: true, groupCreationDepartmentIds: [] };

    const refusals = await Promise.all([
      conferFailure(
        app.client.updateOrgSettings(admin, {
          ...base,
          groupCreationPolicy: Policy.GROUP_CREATION_POLICY_DEPARTMENTS,
        }),
      ),
      conferFailure(
        app.client.updateOrgSettings(admin, {
          ...base,
          groupCreationPolicy: Policy.GROUP_CREATION_POLICY_DEPARTMENTS,
          groupCreationDepartmentIds: [randomUUID()],
        }),
      ),
      conferFailure(
        app.client.updateOrgSettings(admin, {
          ...base,
          groupCreationPolicy: Policy.GROUP_CREATION_POLICY_EVERYONE,
          groupCreationDepartmentIds: [sales],
        }),
      ),
    ]);

    expect(refusals.map((error) => error.code)).toEqual([
      'settings.invalid',
      'settings.unknown_department',
      'settings.invalid',
    ]);
    const [row] = (await settingsRow()) as { two_factor_required: boolean }[];
    expect(row?.two_factor_required ?? false).toBe(false);
    expect(await auditEvents()).toEqual(before);
  });

  it('changes settings and records which keys changed, from what to what and from where, on the audit trail', async () => {
    const updated = await app.client.updateOrgSettings(admin, {
      orgId,
      twoFactorRequired: true,
      groupCreationPolicy: Policy.GROUP_CREATION_POLICY_DEPARTMENTS,
      groupCreationDepartmentIds: [sales],
      clientIp: '192.0.2.60',
    });

    expect(updated).toMatchObject({
      twoFactorRequired: true,
      groupCreationPolicy: Policy.GROUP_CREATION_POLICY_DEPARTMENTS,
      groupCreationDepartmentIds: [sales],
    });
    const events = await auditEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      orgId,
      actorId: adminPerson,
      action: 'settings.changed',
      clientIp: '192.0.2.60',
    });
    expect(JSON.parse(events[0].detailsJson as string)).toEqual({
      keys: ['groupCreationPolicy', 'groupCreationDepartmentIds', 'twoFactorRequired'],
      changes: {
        groupCreationPolicy: { from: 'everyone', to: 'departments' },
        groupCreationDepartmentIds: { from: [], to: [sales] },
        twoFactorRequired: { from: false, to: true },
      },
    });
    await expect(app.client.getOrgSettings(system, { orgId })).resolves.toMatchObject({
      twoFactorRequired: true,
    });
  });

  it('leaves absent fields as they are and records nothing when nothing changes', async () => {
    const before = await auditEvents();

    const same = await app.client.updateOrgSettings(admin, {
      orgId,
      groupCreationPolicy: Policy.GROUP_CREATION_POLICY_UNSPECIFIED,
      groupCreationDepartmentIds: [],
    });

    expect(same).toMatchObject({
      twoFactorRequired: true,
      groupCreationPolicy: Policy.GROUP_CREATION_POLICY_DEPARTMENTS,
    });
    expect(await auditEvents()).toEqual(before);
  });

  it('lets members of a listed department or one below it, and administrators, create groups', async () => {
    const ask = (userId: string) => app.client.mayCreateGroup(system, { orgId, userId });

    await expect(ask(northPerson)).resolves.toEqual({
      allowed: true,
      policy: Policy.GROUP_CREATION_POLICY_DEPARTMENTS,
    });
    await expect(ask(adminPerson)).resolves.toMatchObject({ allowed: true });
    await expect(ask(supportPerson)).resolves.toMatchObject({ allowed: false });
    await expect(ask(randomUUID())).resolves.toMatchObject({ allowed: false });
  });

  it('lets only administrators create groups under the administrators policy', async () => {
    await app.client.updateOrgSettings(admin, {
      orgId,
      groupCreationPolicy: Policy.GROUP_CREATION_POLICY_ADMINISTRATORS,
      groupCreationDepartmentIds: [],
    });

    const answers = await Promise.all(
      [northPerson, adminPerson].map((userId) =>
        app.client.mayCreateGroup(member, { orgId, userId }),
      ),
    );

    expect(answers.map((answer) => answer.allowed)).toEqual([false, true]);
    expect((await auditEvents()).at(-1)).toMatchObject({ action: 'settings.changed' });
  });
});
