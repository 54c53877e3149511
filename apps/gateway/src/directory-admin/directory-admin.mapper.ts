import { contacts } from '@confer/proto';

import { LdapSettingsBodyDto, LdapSettingsDto, SyncRunDto } from './directory-admin.dto';

export function toSettingsDto(settings: contacts.LdapSettings): LdapSettingsDto {
  const { orgId: _orgId, updatedAt, ...rest } = settings;

  return { ...rest, updatedAt: updatedAt || null };
}

/** The update contacts takes: every field, defaults where the body left one out. */
export function toSettingsUpdate(
  orgId: string,
  body: LdapSettingsBodyDto,
): contacts.UpdateLdapSettingsRequest {
  return {
    orgId,
    url: body.url,
    bindDn: body.bindDn,
    bindPassword: body.bindPassword ?? '',
    peopleBaseDn: body.peopleBaseDn,
    peopleFilter: body.peopleFilter ?? '(objectClass=inetOrgPerson)',
    departmentsBaseDn: body.departmentsBaseDn,
    departmentsFilter: body.departmentsFilter ?? '(objectClass=organizationalUnit)',
    groupsBaseDn: body.groupsBaseDn ?? '',
    groupsFilter: body.groupsFilter ?? '(objectClass=groupOfNames)',
    attributeMap: body.attributeMap ?? {},
    disabledValues: body.disabledValues ?? [],
    adminGroupDn: body.adminGroupDn ?? '',
    syncIntervalSeconds: body.syncIntervalSeconds ?? 0,
    startTls: body.startTls ?? false,
    tlsCaCertificate: body.tlsCaCertificate ?? '',
    tlsSkipVerify: body.tlsSkipVerify ?? false,
    pageSize: body.pageSize ?? 0,
    timeoutSeconds: body.timeoutSeconds ?? 0,
  };
}

export function toRunDto(run: contacts.DirectorySyncRun): SyncRunDto {
  return {
    id: run.id,
    mode: run.full ? 'full' : 'incremental',
    status: run.status,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt || null,
    progress: { processed: run.processed, total: run.total },
    report: {
      created: run.created,
      updated: run.updated,
      moved: run.moved,
      disabled: run.disabled,
      departmentsCreated: run.departmentsCreated,
      departmentsUpdated: run.departmentsUpdated,
      departmentsRemoved: run.departmentsRemoved,
      failed: run.failures.length,
      failures: run.failures,
    },
    error: run.errorCode ? { code: run.errorCode, message: run.errorMessage } : null,
  };
}
