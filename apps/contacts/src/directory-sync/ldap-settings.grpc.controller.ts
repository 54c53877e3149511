import { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';

import { callerFromMetadata } from '@confer/grpc';
import { contacts } from '@confer/proto';

import { LdapSettingsService, LdapSettingsView } from './ldap-settings.service';

type SettingsMethods = Pick<
  contacts.ContactsServiceController,
  'getLdapSettings' | 'updateLdapSettings'
>;

@Controller()
export class LdapSettingsGrpcController implements SettingsMethods {
  constructor(private readonly settings: LdapSettingsService) {}

  @GrpcMethod('ContactsService', 'getLdapSettings')
  async getLdapSettings(
    request: contacts.GetLdapSettingsRequest,
    metadata: Metadata,
  ): Promise<contacts.LdapSettings> {
    const caller = callerFromMetadata(metadata);

    return toProto(await this.settings.get(caller, request.orgId || caller.orgId));
  }

  @GrpcMethod('ContactsService', 'updateLdapSettings')
  async updateLdapSettings(
    request: contacts.UpdateLdapSettingsRequest,
    metadata: Metadata,
  ): Promise<contacts.LdapSettings> {
    const caller = callerFromMetadata(metadata);
    const { orgId, clientIp, ...input } = request;

    return toProto(
      await this.settings.update(
        caller,
        orgId || caller.orgId,
        {
          ...input,
          attributeMap: input.attributeMap ?? {},
          disabledValues: input.disabledValues ?? [],
        },
        clientIp,
      ),
    );
  }
}

function toProto(view: LdapSettingsView): contacts.LdapSettings {
  return {
    orgId: view.orgId,
    url: view.url,
    bindDn: view.bindDn,
    bindPasswordSet: view.bindPasswordSet,
    peopleBaseDn: view.people.baseDn,
    peopleFilter: view.people.filter,
    departmentsBaseDn: view.departments.baseDn,
    departmentsFilter: view.departments.filter,
    groupsBaseDn: view.groups?.baseDn ?? '',
    groupsFilter: view.groups?.filter ?? '',
    attributeMap: { ...view.attributes },
    disabledValues: view.disabledValues,
    adminGroupDn: view.adminGroupDn ?? '',
    syncIntervalSeconds: view.syncIntervalSeconds,
    startTls: view.tls.startTls,
    tlsCaCertificate: view.tls.caCertificate ?? '',
    tlsSkipVerify: view.tls.skipVerify,
    pageSize: view.pageSize,
    timeoutSeconds: view.timeoutSeconds,
    source: view.source,
    updatedAt: view.updatedAt?.toISOString() ?? '',
  };
}
