import { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';

import { callerFromMetadata } from '@confer/grpc';
import { contacts } from '@confer/proto';

import { OrgSettingsService, OrgSettingsView } from './org-settings.service';
import { GroupCreationPolicy } from './settings-input';

type OrgSettingsMethods = Pick<
  contacts.ContactsServiceController,
  'getOrgSettings' | 'updateOrgSettings' | 'mayCreateGroup'
>;

const POLICY_TO_PROTO: Record<GroupCreationPolicy, contacts.GroupCreationPolicy> = {
  everyone: contacts.GroupCreationPolicy.GROUP_CREATION_POLICY_EVERYONE,
  administrators: contacts.GroupCreationPolicy.GROUP_CREATION_POLICY_ADMINISTRATORS,
  departments: contacts.GroupCreationPolicy.GROUP_CREATION_POLICY_DEPARTMENTS,
};

@Controller()
export class OrgSettingsGrpcController implements OrgSettingsMethods {
  constructor(private readonly settings: OrgSettingsService) {}

  @GrpcMethod('ContactsService', 'getOrgSettings')
  async getOrgSettings(
    request: contacts.GetOrgSettingsRequest,
    metadata: Metadata,
  ): Promise<contacts.OrgSettings> {
    const caller = callerFromMetadata(metadata);

    return toProto(await this.settings.get(caller, request.orgId || caller.orgId));
  }

  @GrpcMethod('ContactsService', 'updateOrgSettings')
  async updateOrgSettings(
    request: contacts.UpdateOrgSettingsRequest,
    metadata: Metadata,
  ): Promise<contacts.OrgSettings> {
    const caller = callerFromMetadata(metadata);
    const policy = request.groupCreationPolicy;
    const policySet =
      policy && policy !== contacts.GroupCreationPolicy.GROUP_CREATION_POLICY_UNSPECIFIED;
    const updated = await this.settings.update(
      caller,
      request.orgId || caller.orgId,
      {
        twoFactorRequired: request.twoFactorRequired ?? undefined,
        groupCreation: policySet
          ? { policy: policyFromProto(policy), departmentIds: request.groupCreationDepartmentIds }
          : undefined,
      },
      request.clientIp,
    );

    return toProto(updated);
  }

  @GrpcMethod('ContactsService', 'mayCreateGroup')
  async mayCreateGroup(
    request: contacts.MayCreateGroupRequest,
    metadata: Metadata,
  ): Promise<contacts.MayCreateGroupResponse> {
    const caller = callerFromMetadata(metadata);
    const decision = await this.settings.mayCreateGroup(
      caller,
      request.orgId || caller.orgId,
      request.userId || caller.userId,
    );

    return { allowed: decision.allowed, policy: POLICY_TO_PROTO[decision.policy] };
  }
}

/** An unknown enum value becomes a name validation refuses, rather than a silent default. */
function policyFromProto(policy: contacts.GroupCreationPolicy): string {
  const entry = Object.entries(POLICY_TO_PROTO).find(([, value]) => value === policy);

  return entry ? entry[0] : String(policy);
}

function toProto(view: OrgSettingsView): contacts.OrgSettings {
  return {
    orgId: view.orgId,
    twoFactorRequired: view.twoFactorRequired,
    groupCreationPolicy: POLICY_TO_PROTO[view.groupCreation.policy],
    groupCreationDepartmentIds: view.groupCreation.departmentIds,
    updatedAt: view.updatedAt?.toISOString() ?? '',
  };
}
