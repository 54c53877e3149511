import { Body, Controller, Get, Inject, Ip, Patch } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { Caller } from '@confer/grpc';
import { contacts } from '@confer/proto';

import { CurrentCaller } from '../auth/current-caller.decorator';
import { requireOrgAdmin } from '../auth/roles';
import { CONTACTS, ContactsClient } from '../clients/service-clients';
import { ApiErrors } from '../http/api-errors';
import {
  GroupCreationPolicyName,
  OrgSettingsDto,
  UpdateOrgSettingsDto,
} from './admin-settings.dto';

const { GroupCreationPolicy } = contacts;

const POLICY_NAMES: Record<GroupCreationPolicyName, contacts.GroupCreationPolicy> = {
  everyone: GroupCreationPolicy.GROUP_CREATION_POLICY_EVERYONE,
  administrators: GroupCreationPolicy.GROUP_CREATION_POLICY_ADMINISTRATORS,
  departments: GroupCreationPolicy.GROUP_CREATION_POLICY_DEPARTMENTS,
};

const ADMIN_ONLY = { 403: ['auth.forbidden'] };

/** The admin console's organisation settings; contacts keeps them and audits each change. */
@ApiTags('admin')
@Controller('admin/settings')
export class AdminSettingsHttpController {
  constructor(@Inject(CONTACTS) private readonly contacts: ContactsClient) {}

  @Get()
  @ApiOkResponse({ type: OrgSettingsDto })
  @ApiErrors(ADMIN_ONLY)
  async get(@CurrentCaller() caller: Caller): Promise<OrgSettingsDto> {
    requireOrgAdmin(caller);

    return toDto(await this.contacts.getOrgSettings(caller, { orgId: caller.orgId }));
  }

  @Patch()
  @ApiOkResponse({
    type: OrgSettingsDto,
    description: 'The settings after the change; each change is recorded as settings.changed.',
  })
  @ApiErrors({
    ...ADMIN_ONLY,
    422: ['settings.invalid', 'settings.unknown_department'],
  })
  async update(
    @CurrentCaller() caller: Caller,
    @Body() body: UpdateOrgSettingsDto,
    @Ip() clientIp: string,
  ): Promise<OrgSettingsDto> {
    requireOrgAdmin(caller);
    const updated = await this.contacts.updateOrgSettings(caller, {
      orgId: caller.orgId,
      twoFactorRequired: body.twoFactorRequired,
      groupCreationPolicy: body.groupCreation
        ? POLICY_NAMES[body.groupCreation.policy]
        : GroupCreationPolicy.GROUP_CREATION_POLICY_UNSPECIFIED,
      groupCreationDepartmentIds: body.groupCreation?.departmentIds ?? [],
      clientIp,
    });

    return toDto(updated);
  }
}

function toDto(settings: contacts.OrgSettings): OrgSettingsDto {
  const policy = (Object.keys(POLICY_NAMES) as GroupCreationPolicyName[]).find(
    (name) => POLICY_NAMES[name] === settings.groupCreationPolicy,
  );
  if (!policy) {
    throw new Error(
      `contacts answered an unknown group creation policy ${settings.groupCreationPolicy}`,
    );
  }

  return {
    orgId: settings.orgId,
    groupCreation: { policy, departmentIds: settings.groupCreationDepartmentIds },
    twoFactorRequired: settings.twoFactorRequired,
    updatedAt: settings.updatedAt || null,
  };
}
