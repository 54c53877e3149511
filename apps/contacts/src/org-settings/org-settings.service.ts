import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

import { AuthError } from '@confer/errors';
import { OutboxPublisher, recordAudit } from '@confer/events';
import { Caller, isSystemCaller } from '@confer/grpc';

import { OrganisationError } from '../organisations/organisations.errors';
import { isUuid } from '../persistence/postgres-errors';
import { ORG_ADMIN_ROLE } from '../users/user-input';
import { OrgSettingsError } from './org-settings.errors';
import {
  applySettingsPatch,
  DEFAULT_ORG_SETTINGS,
  GroupCreationPolicy,
  OrgSettingsPatch,
  OrgSettingsValues,
  settingsChanges,
} from './settings-input';

export interface OrgSettingsView extends OrgSettingsValues {
  orgId: string;
  /** Null until an administrator first changes something. */
  updatedAt: Date | null;
}

export interface GroupCreationDecision {
  allowed: boolean;
  policy: GroupCreationPolicy;
}

interface SettingsRow {
  two_factor_required: boolean;
  group_creation_policy: GroupCreationPolicy;
  group_creation_department_ids: string[];
  updated_at: Date | null;
}

/**
 * Per-organisation settings the admin console edits. Read by the platform
 * (sign-in asks whether a second factor is required) and by the
 * organisation's administrators; changed only by them, each change recorded
 * on the audit trail in the same transaction.
 */
@Injectable()
export class OrgSettingsService {
  private readonly logger = new Logger(OrgSettingsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxPublisher,
  ) {}

  async get(caller: Caller, orgId: string): Promise<OrgSettingsView> {
    await this.requireReader(caller, orgId);

    return this.read(this.dataSource.manager, orgId);
  }

  /** `clientIp`: the administrator's address, for the audit line. */
  async update(
    caller: Caller,
    orgId: string,
    patch: OrgSettingsPatch,
    clientIp?: string,
  ): Promise<OrgSettingsView> {
    requireAdmin(caller, orgId);
    await this.requireOrganisation(orgId);

    const changes = await this.dataSource.transaction(async (manager) => {
      // The row lock serialises concurrent edits, so each audit line's "from" is what the
      // edit really replaced.
      await manager.query(
        'INSERT INTO org_settings (org_id) VALUES ($1) ON CONFLICT (org_id) DO NOTHING',
        [orgId],
      );
      const before = await this.read(manager, orgId, true);
      const after = applySettingsPatch(before, patch);
      // Only departments this patch names are checked: a listed department the directory
      // removed since must not stop an administrator changing something else.
      if (patch.groupCreation !== undefined) {
        await this.requireDepartments(manager, orgId, after.groupCreation.departmentIds);
      }
      const changed = settingsChanges(before, after);
      if (changed.length === 0) {
        return changed;
      }
      await manager.query(
        `UPDATE org_settings SET two_factor_required = $2, group_creation_policy = $3,
           group_creation_department_ids = $4::uuid[], updated_at = now(), updated_by = $5
         WHERE org_id = $1`,
        [
          orgId,
          after.twoFactorRequired,
          after.groupCreation.policy,
          after.groupCreation.departmentIds,
          caller.userId,
        ],
      );
      await recordAudit(manager, this.outbox, {
        orgId,
        actorId: caller.userId,
        action: 'settings.changed',
        details: {
          keys: changed.map((change) => change.key),
          changes: Object.fromEntries(
            changed.map((change) => [change.key, { from: change.from, to: change.to }]),
          ),
        },
        clientIp,
      });

      return changed;
    });
    if (changes.length > 0) {
      this.outbox.notify();
      this.logger.log(
        { orgId, userId: caller.userId, keys: changes.map((change) => change.key) },
        'org settings changed',
      );
    }

    return this.read(this.dataSource.manager, orgId);
  }

  /**
   * Whether a person may create a group chat or discussion. Administrators
   * always may; under `departments`, members of a listed department or of any
   * department below one may. Unknown and disabled people may not.
   */
  async mayCreateGroup(
    caller: Caller,
    orgId: string,
    userId: string,
  ): Promise<GroupCreationDecision> {
    if (!isUuid(orgId) || (caller.orgId !== orgId && !isSystemCaller(caller))) {
      throw OrganisationError.notFound(orgId);
    }
    const settings = await this.read(this.dataSource.manager, orgId);
    const policy = settings.groupCreation.policy;
    if (!isUuid(userId)) {
      return { allowed: false, policy };
    }
    const [person] = (await this.dataSource.query(
      `SELECT roles FROM users WHERE id = $1 AND org_id = $2 AND status = 'active'`,
      [userId, orgId],
    )) as { roles: string[] }[];
    if (!person) {
      return { allowed: false, policy };
    }
    if (policy === 'everyone' || person.roles.includes(ORG_ADMIN_ROLE)) {
      return { allowed: true, policy };
    }
    if (policy === 'administrators') {
      return { allowed: false, policy };
    }
    // A department's path lists itself and every ancestor, so overlapping the listed ids
    // means "in a listed department or below one".
    const [inside] = (await this.dataSource.query(
      `SELECT EXISTS (
         SELECT 1 FROM user_departments ud JOIN departments d ON d.id = ud.department_id
         WHERE ud.user_id = $1 AND d.org_id = $2 AND d.path && $3::uuid[]) AS inside`,
      [userId, orgId, settings.groupCreation.departmentIds],
    )) as { inside: boolean }[];

    return { allowed: inside.inside, policy };
  }

  private async read(
    manager: EntityManager,
    orgId: string,
    lock = false,
  ): Promise<OrgSettingsView> {
    const [row] = (await manager.query(
      `SELECT two_factor_required, group_creation_policy, group_creation_department_ids,
         updated_at FROM org_settings WHERE org_id = $1${lock ? ' FOR UPDATE' : ''}`,
      [orgId],
    )) as SettingsRow[];
    if (!row) {
      return { orgId, ...DEFAULT_ORG_SETTINGS, updatedAt: null };
    }

    return {
      orgId,
      twoFactorRequired: row.two_factor_required,
      groupCreation: {
        policy: row.group_creation_policy,
        departmentIds: [...row.group_creation_department_ids].sort(),
      },
      updatedAt: row.updated_at,
    };
  }

  /** The platform, and the organisation's administrators. */
  private async requireReader(caller: Caller, orgId: string): Promise<void> {
    if (!isSystemCaller(caller)) {
      requireAdmin(caller, orgId);
    }
    await this.requireOrganisation(orgId);
  }

  private async requireOrganisation(orgId: string): Promise<void> {
    const [found] = isUuid(orgId)
      ? ((await this.dataSource.query('SELECT 1 FROM organisations WHERE id = $1', [
          orgId,
        ])) as unknown[])
      : [];
    if (!found) {
      throw OrganisationError.notFound(orgId);
    }
  }

  private async requireDepartments(
    manager: EntityManager,
    orgId: string,
    departmentIds: string[],
  ): Promise<void> {
    if (departmentIds.length === 0) {
      return;
    }
    const rows = (await manager.query(
      'SELECT id FROM departments WHERE org_id = $1 AND id = ANY($2::uuid[])',
      [orgId, departmentIds],
    )) as { id: string }[];
    const found = new Set(rows.map((row) => row.id));
    const missing = departmentIds.filter((id) => !found.has(id));
    if (missing.length > 0) {
      throw OrgSettingsError.unknownDepartments(missing);
    }
  }
}

function requireAdmin(caller: Caller, orgId: string): void {
  if (caller.orgId !== orgId || !caller.roles.includes(ORG_ADMIN_ROLE)) {
    throw AuthError.forbidden("Only the organisation's administrators may manage its settings.");
  }
}
