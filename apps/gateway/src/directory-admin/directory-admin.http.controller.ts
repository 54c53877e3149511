import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Ip,
  Param,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { Caller } from '@confer/grpc';

import { CurrentCaller } from '../auth/current-caller.decorator';
import { requireOrgAdmin } from '../auth/roles';
import { CONTACTS, ContactsClient } from '../clients/service-clients';
import { ApiErrors } from '../http/api-errors';
import { uuidParam } from '../http/validation';
import {
  LdapSettingsBodyDto,
  LdapSettingsDto,
  ListSyncRunsQueryDto,
  StartSyncDto,
  SyncRunDto,
  SyncRunListDto,
} from './directory-admin.dto';
import { toRunDto, toSettingsDto, toSettingsUpdate } from './directory-admin.mapper';

const ADMIN_ONLY = { 403: ['auth.forbidden'] };

/**
 * The admin console's directory: where the organisation's LDAP server is,
 * and sync runs started on demand and followed to their end. Contacts keeps
 * the settings (the bind password never comes back) and runs the syncs.
 */
@ApiTags('admin')
@Controller('admin/directory')
export class DirectoryAdminHttpController {
  constructor(@Inject(CONTACTS) private readonly contacts: ContactsClient) {}

  @Get('ldap')
  @ApiOkResponse({ type: LdapSettingsDto })
  @ApiErrors({ ...ADMIN_ONLY, 404: ['ldap_settings.not_configured'] })
  async settings(@CurrentCaller() caller: Caller): Promise<LdapSettingsDto> {
    requireOrgAdmin(caller);

    return toSettingsDto(await this.contacts.getLdapSettings(caller, { orgId: caller.orgId }));
  }

  @Put('ldap')
  @ApiOkResponse({
    type: LdapSettingsDto,
    description: 'The settings as stored; each change is recorded as settings.ldap_changed.',
  })
  @ApiErrors({ ...ADMIN_ONLY, 422: ['ldap_settings.invalid'] })
  async replaceSettings(
    @CurrentCaller() caller: Caller,
    @Body() body: LdapSettingsBodyDto,
    @Ip() clientIp: string,
  ): Promise<LdapSettingsDto> {
    requireOrgAdmin(caller);

    return toSettingsDto(
      await this.contacts.updateLdapSettings(caller, {
        ...toSettingsUpdate(caller.orgId, body),
        clientIp,
      }),
    );
  }

  @Post('sync')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: SyncRunDto, description: 'The run as it begins; poll it by id.' })
  @ApiErrors({
    ...ADMIN_ONLY,
    409: ['directory_sync.already_running'],
    422: ['directory_sync.not_configured'],
    503: ['directory_sync.queue_unavailable'],
  })
  async start(@CurrentCaller() caller: Caller, @Body() body: StartSyncDto): Promise<SyncRunDto> {
    requireOrgAdmin(caller);

    return toRunDto(
      await this.contacts.startDirectorySync(caller, {
        orgId: caller.orgId,
        full: body.mode === 'full',
      }),
    );
  }

  @Get('sync')
  @ApiOkResponse({ type: SyncRunListDto })
  @ApiErrors(ADMIN_ONLY)
  async runs(
    @CurrentCaller() caller: Caller,
    @Query() query: ListSyncRunsQueryDto,
  ): Promise<SyncRunListDto> {
    requireOrgAdmin(caller);
    const { items } = await this.contacts.listDirectorySyncRuns(caller, {
      orgId: caller.orgId,
      limit: query.limit ?? 20,
    });

    return { items: items.map(toRunDto) };
  }

  @Get('sync/:runId')
  @ApiOkResponse({ type: SyncRunDto })
  @ApiErrors({ ...ADMIN_ONLY, 404: ['directory_sync.run_not_found'] })
  async run(
    @CurrentCaller() caller: Caller,
    @Param('runId', uuidParam('runId')) runId: string,
  ): Promise<SyncRunDto> {
    requireOrgAdmin(caller);

    return toRunDto(await this.contacts.getDirectorySyncRun(caller, { id: runId }));
  }
}
