import { Body, Controller, Delete, Get, Inject, Ip, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { Caller } from '@confer/grpc';

import { CurrentCaller } from '../auth/current-caller.decorator';
import { requireOrgAdmin } from '../auth/roles';
import { CONTACTS, ContactsClient } from '../clients/service-clients';
import { ApiErrors } from '../http/api-errors';
import { uuidParam } from '../http/validation';
import {
  CreatedScimTokenDto,
  CreateScimTokenDto,
  ScimTokenDto,
  ScimTokenListDto,
} from './scim-tokens.dto';

type ScimTokenMessage = Awaited<ReturnType<ContactsClient['revokeScimToken']>>;

const ADMIN_ONLY = { 403: ['auth.forbidden', 'scim_token.forbidden'] };

/** The organisation's SCIM bearer tokens, for its administrators. */
@ApiTags('admin')
@Controller('admin/scim/tokens')
export class ScimTokensHttpController {
  constructor(@Inject(CONTACTS) private readonly contacts: ContactsClient) {}

  @Post()
  @ApiCreatedResponse({
    type: CreatedScimTokenDto,
    description:
      'The new token and its secret. The secret is shown this once (only its hash is kept): ' +
      'give it to the identity provider as its SCIM bearer token. Recorded as ' +
      'settings.scim_token_created.',
  })
  @ApiErrors({ ...ADMIN_ONLY, 409: ['scim_token.too_many'], 422: ['scim_token.invalid_name'] })
  async create(
    @CurrentCaller() caller: Caller,
    @Body() body: CreateScimTokenDto,
    @Ip() clientIp: string,
  ): Promise<CreatedScimTokenDto> {
    requireOrgAdmin(caller);
    const created = await this.contacts.createScimToken(caller, { name: body.name, clientIp });
    if (!created.token) {
      throw new Error('contacts answered a created SCIM token without the token');
    }

    return { token: toDto(created.token), secret: created.secret };
  }

  @Get()
  @ApiOkResponse({
    type: ScimTokenListDto,
    description:
      'Every token of the organisation, revoked ones included, newest first; no secrets.',
  })
  @ApiErrors(ADMIN_ONLY)
  async list(@CurrentCaller() caller: Caller): Promise<ScimTokenListDto> {
    requireOrgAdmin(caller);
    const { items } = await this.contacts.listScimTokens(caller, {});

    return { items: items.map(toDto) };
  }

  @Delete(':id')
  @ApiOkResponse({
    type: ScimTokenDto,
    description: 'The token, revoked; revoking again changes nothing.',
  })
  @ApiErrors({ ...ADMIN_ONLY, 404: ['scim_token.not_found'] })
  async revoke(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam('id')) id: string,
    @Ip() clientIp: string,
  ): Promise<ScimTokenDto> {
    requireOrgAdmin(caller);

    return toDto(await this.contacts.revokeScimToken(caller, { id, clientIp }));
  }
}

function toDto(token: ScimTokenMessage): ScimTokenDto {
  return {
    id: token.id,
    name: token.name,
    createdBy: token.createdBy,
    createdAt: token.createdAt,
    ...(token.lastUsedAt ? { lastUsedAt: token.lastUsedAt } : {}),
    ...(token.revokedAt ? { revokedAt: token.revokedAt } : {}),
  };
}
