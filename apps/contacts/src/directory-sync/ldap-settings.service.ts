import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { OutboxPublisher, recordAudit } from '@confer/events';
import { Caller, isSystemCaller } from '@confer/grpc';

import { CONTACTS_CONFIG, ContactsConfig } from '../config';
import { Organisation } from '../organisations/organisation.entity';
import { OrganisationError } from '../organisations/organisations.errors';
import { isUuid } from '../persistence/postgres-errors';
import { ORG_ADMIN_ROLE } from '../users/user-input';
import { DirectoryServer } from './directory-server.entity';
import { LdapSettingsError } from './directory-sync.errors';
import { CheckedLdapSettings, checkLdapSettings, LdapSettingsInput } from './ldap-settings-input';
import { DEFAULT_ATTRIBUTE_MAP, LdapSettings, parseAttributeMap } from './ldap-settings';

/** What the settings API answers: everything but the password, and where it came from. */
export interface LdapSettingsView extends Omit<LdapSettings, 'bindPassword' | 'timeoutMs'> {
  bindPasswordSet: boolean;
  syncIntervalSeconds: number;
  timeoutSeconds: number;
  /** `organisation`: stored by an administrator; `environment`: the deployment's default. */
  source: 'organisation' | 'environment';
  updatedAt: Date | null;
}

/** The audit action of a change of the directory settings. */
export const LDAP_CHANGED_ACTION = 'settings.ldap_changed';

type SettingsListener = (orgId: string, syncIntervalSeconds: number) => Promise<void>;

/**
 * Each organisation's directory server, stored by its administrators. Until
 * one is stored, the organisation named by LDAP_ORG_ID uses the `LDAP_*`
 * environment (a bootstrap default); once stored, the stored settings win.
 * Every change is recorded on the audit trail in its transaction, with the
 * names of the fields that changed and never the password.
 */
@Injectable()
export class LdapSettingsService {
  private readonly logger = new Logger(LdapSettingsService.name);
  private readonly listeners: SettingsListener[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxPublisher,
    @Inject(CONTACTS_CONFIG) private readonly config: ContactsConfig,
  ) {}

  /** Called after each committed change (the sync schedule follows the interval). */
  onChange(listener: SettingsListener): void {
    this.listeners.push(listener);
  }

  async get(caller: Caller, orgId: string): Promise<LdapSettingsView> {
    await this.requireAdministrator(caller, orgId);
    const row = await this.dataSource.getRepository(DirectoryServer).findOneBy({ orgId });
    if (row) {
      return viewOf(row);
    }
    const fallback = this.environmentDefault(orgId);
    if (!fallback) {
      throw LdapSettingsError.notConfigured(orgId);
    }

    return {
      ...withoutSecret(fallback),
      syncIntervalSeconds: this.config.syncIntervalSeconds,
      source: 'environment',
      updatedAt: null,
    };
  }

  /** `clientIp`: the administrator's address, for the audit line. */
  async update(
    caller: Caller,
    orgId: string,
    input: LdapSettingsInput,
    clientIp?: string,
  ): Promise<LdapSettingsView> {
    await this.requireAdministrator(caller, orgId);
    const repository = this.dataSource.getRepository(DirectoryServer);
    const current = await repository.findOneBy({ orgId });
    const checked = checkLdapSettings(
      input,
      current ? { ...current, hasPassword: current.bindPassword !== '' } : undefined,
    );
    if ('problems' in checked) {
      throw LdapSettingsError.invalid(checked.problems);
    }
    const next = rowOf(orgId, checked.settings, current, caller);
    const changed = changedFields(current, next);

    const saved = await this.dataSource.transaction(async (manager) => {
      // Serialises concurrent changes of one organisation: the audit line names what each changed.
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`ldap:${orgId}`]);
      await manager.upsert(DirectoryServer, next, ['orgId']);
      await recordAudit(manager, this.outbox, {
        orgId,
        actorId: isSystemCaller(caller) ? 'system' : caller.userId,
        action: LDAP_CHANGED_ACTION,
        details: {
          changedFields: changed,
          url: next.url,
          bindDn: next.bindDn,
          syncIntervalSeconds: next.syncIntervalSeconds,
        },
        clientIp,
      });

      return manager.findOneByOrFail(DirectoryServer, { orgId });
    });
    this.outbox.notify();
    this.logger.log({ orgId, changedFields: changed }, 'directory settings changed');
    for (const listener of this.listeners) {
      await listener(orgId, saved.syncIntervalSeconds);
    }

    return viewOf(saved);
  }

  /** The settings a run uses, or undefined when the organisation has no directory. */
  async resolve(orgId: string): Promise<LdapSettings | undefined> {
    const row = await this.dataSource.getRepository(DirectoryServer).findOneBy({ orgId });

    return row ? settingsOf(row) : this.environmentDefault(orgId);
  }

  /** The organisation's sync interval as stored now (the environment's default, or 0: none). */
  async intervalOf(orgId: string): Promise<number> {
    const row = await this.dataSource
      .getRepository(DirectoryServer)
      .findOne({ select: { syncIntervalSeconds: true }, where: { orgId } });
    if (row) {
      return row.syncIntervalSeconds;
    }

    return this.environmentDefault(orgId) ? this.config.syncIntervalSeconds : 0;
  }

  /** Every organisation with a schedule, for the scheduler at start. */
  async schedules(): Promise<{ orgId: string; syncIntervalSeconds: number }[]> {
    const rows = await this.dataSource
      .getRepository(DirectoryServer)
      .find({ select: { orgId: true, syncIntervalSeconds: true } });
    const schedules = rows.map(({ orgId, syncIntervalSeconds }) => ({
      orgId,
      syncIntervalSeconds,
    }));
    const fallback = this.config.ldap;
    if (fallback && !rows.some((row) => row.orgId === fallback.orgId)) {
      schedules.push({
        orgId: fallback.orgId,
        syncIntervalSeconds: this.config.syncIntervalSeconds,
      });
    }

    return schedules;
  }

  private environmentDefault(orgId: string): LdapSettings | undefined {
    const fallback = this.config.ldap;

    return fallback && fallback.orgId === orgId ? fallback : undefined;
  }

  private async requireAdministrator(caller: Caller, orgId: string): Promise<void> {
    if (!isUuid(orgId)) {
      throw OrganisationError.notFound(orgId);
    }
    if (!mayAdminister(caller, orgId)) {
      throw LdapSettingsError.forbidden();
    }
    if (!(await this.dataSource.getRepository(Organisation).existsBy({ id: orgId }))) {
      throw OrganisationError.notFound(orgId);
    }
  }
}

/** The platform, or an administrator of the organisation. */
export function mayAdminister(caller: Caller, orgId: string): boolean {
  return (
    isSystemCaller(caller) || (caller.orgId === orgId && caller.roles.includes(ORG_ADMIN_ROLE))
  );
}

export function settingsOf(row: DirectoryServer): LdapSettings {
  return {
    orgId: row.orgId,
    url: row.url,
    bindDn: row.bindDn,
    bindPassword: row.bindPassword,
    people: { baseDn: row.peopleBaseDn, filter: row.peopleFilter },
    departments: { baseDn: row.departmentsBaseDn, filter: row.departmentsFilter },
    groups: row.groupsBaseDn ? { baseDn: row.groupsBaseDn, filter: row.groupsFilter } : undefined,
    attributes: { ...DEFAULT_ATTRIBUTE_MAP, ...parseStoredMap(row.attributeMap) },
    disabledValues: row.disabledValues,
    adminGroupDn: row.adminGroupDn || undefined,
    tls: {
      startTls: row.startTls,
      caCertificate: row.tlsCaCertificate || undefined,
      skipVerify: row.tlsSkipVerify,
    },
    pageSize: row.pageSize,
    timeoutMs: row.timeoutSeconds * 1000,
  };
}

function parseStoredMap(map: Record<string, string>) {
  return parseAttributeMap(
    Object.entries(map)
      .map(([field, attribute]) => `${field}=${attribute}`)
      .join(','),
  );
}

function viewOf(row: DirectoryServer): LdapSettingsView {
  const settings = settingsOf(row);

  return {
    ...withoutSecret(settings),
    syncIntervalSeconds: row.syncIntervalSeconds,
    source: 'organisation',
    updatedAt: row.updatedAt,
  };
}

function withoutSecret(
  settings: LdapSettings,
): Omit<LdapSettingsView, 'syncIntervalSeconds' | 'source' | 'updatedAt'> {
  const { bindPassword, timeoutMs, ...rest } = settings;

  return { ...rest, bindPasswordSet: bindPassword !== '', timeoutSeconds: timeoutMs / 1000 };
}

function rowOf(
  orgId: string,
  settings: CheckedLdapSettings,
  current: DirectoryServer | null,
  caller: Caller,
): DirectoryServer {
  return {
    orgId,
    url: settings.url,
    bindDn: settings.bindDn,
    // No bind DN: an anonymous bind, which takes no password.
    bindPassword: settings.bindDn ? (settings.bindPassword ?? current?.bindPassword ?? '') : '',
    peopleBaseDn: settings.peopleBaseDn,
    peopleFilter: settings.peopleFilter,
    departmentsBaseDn: settings.departmentsBaseDn,
    departmentsFilter: settings.departmentsFilter,
    groupsBaseDn: settings.groupsBaseDn,
    groupsFilter: settings.groupsFilter,
    attributeMap: settings.attributeMap,
    disabledValues: settings.disabledValues,
    adminGroupDn: settings.adminGroupDn,
    syncIntervalSeconds: settings.syncIntervalSeconds,
    startTls: settings.startTls,
    tlsCaCertificate: settings.tlsCaCertificate,
    tlsSkipVerify: settings.tlsSkipVerify,
    pageSize: settings.pageSize,
    timeoutSeconds: settings.timeoutSeconds,
    updatedBy: isSystemCaller(caller) ? null : caller.userId,
    updatedAt: new Date(),
  };
}

/** Names of the fields that differ, the password among them by name only. */
function changedFields(current: DirectoryServer | null, next: DirectoryServer): string[] {
  const ignored = new Set(['orgId', 'updatedBy', 'updatedAt']);

  return Object.keys(next).filter(
    (field) =>
      !ignored.has(field) &&
      JSON.stringify(current?.[field as keyof DirectoryServer]) !==
        JSON.stringify(next[field as keyof DirectoryServer]),
  );
}
