import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { RequestError } from '@confer/errors';
import { Caller } from '@confer/grpc';
import { mailbridge } from '@confer/proto';

import { CurrentCaller } from '../auth/current-caller.decorator';
import { requireOrgAdmin } from '../auth/roles';
import { MAIL_BRIDGE, MailBridgeClient } from '../clients/service-clients';
import { ApiErrors } from '../http/api-errors';
import { MailDomainDto, MailDomainListDto, PutMailDomainDto } from './mail-domains.dto';

const ADMIN_ONLY = { 403: ['auth.forbidden'] };
const NOT_FOUND = { 404: ['mail.domain_not_found'] };

/**
 * Which mail server each of the organisation's domains uses: what mail-account
 * logins of those addresses are checked against. Organisation administrators
 * only; mail-bridge keeps the settings and audits each change.
 */
@ApiTags('admin')
@Controller('admin/mail-domains')
export class MailDomainsHttpController {
  constructor(@Inject(MAIL_BRIDGE) private readonly mailBridge: MailBridgeClient) {}

  @Get()
  @ApiOkResponse({ type: MailDomainListDto })
  @ApiErrors(ADMIN_ONLY)
  async list(@CurrentCaller() caller: Caller): Promise<MailDomainListDto> {
    requireOrgAdmin(caller);
    const { items } = await this.mailBridge.listMailDomains(caller, {});

    return { items: items.map(toDto) };
  }

  @Get(':domain')
  @ApiOkResponse({ type: MailDomainDto })
  @ApiErrors({ ...ADMIN_ONLY, ...NOT_FOUND })
  async get(
    @CurrentCaller() caller: Caller,
    @Param('domain') domain: string,
  ): Promise<MailDomainDto> {
    requireOrgAdmin(caller);

    return toDto(await this.mailBridge.getMailDomain(caller, { domain: checkedDomain(domain) }));
  }

  @Put(':domain')
  @ApiOkResponse({
    type: MailDomainDto,
    description: 'Created or replaced; recorded as settings.mail_domain_changed.',
  })
  @ApiErrors({
    ...ADMIN_ONLY,
    409: ['mail.domain_taken'],
    422: ['mail.domain_invalid'],
  })
  async put(
    @CurrentCaller() caller: Caller,
    @Param('domain') domain: string,
    @Body() body: PutMailDomainDto,
  ): Promise<MailDomainDto> {
    requireOrgAdmin(caller);
    const saved = await this.mailBridge.putMailDomain(caller, {
      domain: checkedDomain(domain),
      host: body.host,
      port: body.port,
      tls: body.tls,
      rejectUnauthorized: body.rejectUnauthorized ?? true,
      updatedAt: '',
      updatedBy: '',
    });

    return toDto(saved);
  }

  @Delete(':domain')
  @HttpCode(204)
  @ApiNoContentResponse({
    description: "The domain's addresses sign in with local passwords again.",
  })
  @ApiErrors({ ...ADMIN_ONLY, ...NOT_FOUND })
  async delete(@CurrentCaller() caller: Caller, @Param('domain') domain: string): Promise<void> {
    requireOrgAdmin(caller);
    await this.mailBridge.deleteMailDomain(caller, { domain: checkedDomain(domain) });
  }
}

/** A first sieve on the path segment; mail-bridge judges the name itself (mail.domain_invalid). */
function checkedDomain(domain: string): string {
  if (domain.length > 253 || !/^[A-Za-z0-9.-]+$/.test(domain)) {
    throw RequestError.invalid('The request has invalid fields.', {
      fields: { domain: ['must be a DNS name'] },
    });
  }

  return domain;
}

function toDto(domain: mailbridge.MailDomain): MailDomainDto {
  return {
    domain: domain.domain,
    host: domain.host,
    port: domain.port,
    tls: domain.tls,
    rejectUnauthorized: domain.rejectUnauthorized,
    updatedAt: domain.updatedAt,
    updatedBy: domain.updatedBy,
  };
}
