import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { Caller, ServiceClient } from '@confer/grpc';
import { audit } from '@confer/proto';

import { CurrentCaller } from '../auth/current-caller.decorator';
import { requireOrgAdmin } from '../auth/roles';
import { ApiErrors, CURSOR_ERRORS } from '../http/api-errors';
import { pageRequest } from '../http/paging.dto';
import { AuditPageDto, MyAuditQueryDto, OrgAuditQueryDto } from './audit.dto';
import { toAuditPageDto } from './audit.mapper';

export const AUDIT = Symbol('AUDIT');
export type AuditClient = ServiceClient<audit.AuditServiceClient>;

/** The audit trail auth-2fa keeps: one's own lines, and the organisation's for administrators. */
@ApiTags('audit')
@Controller()
export class AuditHttpController {
  constructor(@Inject(AUDIT) private readonly trail: AuditClient) {}

  @Get('me/audit')
  @ApiOkResponse({
    type: AuditPageDto,
    description: 'Lines the caller did or that concern the caller, newest first.',
  })
  @ApiErrors(CURSOR_ERRORS)
  async mine(
    @CurrentCaller() caller: Caller,
    @Query() query: MyAuditQueryDto,
  ): Promise<AuditPageDto> {
    const page = await this.trail.listMyAudit(caller, {
      actionPrefix: query.action ?? '',
      ...pageRequest(query),
    });

    return toAuditPageDto(page);
  }

  @Get('admin/audit')
  @ApiOkResponse({
    type: AuditPageDto,
    description: "The caller's organisation's trail, newest first (org_admin only).",
  })
  @ApiErrors({
    ...CURSOR_ERRORS,
    403: ['auth.forbidden'],
    422: ['audit.filter_invalid'],
  })
  async organisation(
    @CurrentCaller() caller: Caller,
    @Query() query: OrgAuditQueryDto,
  ): Promise<AuditPageDto> {
    requireOrgAdmin(caller);
    const page = await this.trail.listOrgAudit(caller, {
      userId: query.userId ?? '',
      actionPrefix: query.action ?? '',
      since: query.since ?? '',
      until: query.until ?? '',
      ...pageRequest(query),
    });

    return toAuditPageDto(page);
  }
}
