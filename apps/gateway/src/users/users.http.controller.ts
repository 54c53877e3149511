import { Body, Controller, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { Caller } from '@confer/grpc';

import { CurrentCaller } from '../auth/current-caller.decorator';
import { requireOrgAdmin } from '../auth/roles';
import { CONTACTS, ContactsClient } from '../clients/service-clients';
import { ApiErrors, CURSOR_ERRORS } from '../http/api-errors';
import { ApiIdempotencyKey, IdempotencyKey } from '../http/idempotency-key.decorator';
import { nextCursorOf, PageQueryDto, pageRequest } from '../http/paging.dto';
import { uuidParam } from '../http/validation';
import { toUserDto } from './user.mapper';
import { CreateUserDto, UserDto, UserPageDto } from './users.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller()
export class UsersHttpController {
  constructor(
    private readonly users: UsersService,
    @Inject(CONTACTS) private readonly contacts: ContactsClient,
  ) {}

  @Get('me')
  @ApiOkResponse({ type: UserDto, description: 'The caller.' })
  @ApiErrors({ 404: ['user.not_found'] })
  me(@CurrentCaller() caller: Caller): Promise<UserDto> {
    return this.users.get(caller, caller.userId);
  }

  @Post('users')
  @ApiCreatedResponse({ type: UserDto })
  @ApiIdempotencyKey()
  @ApiErrors({
    403: ['auth.forbidden'],
    409: ['user.email_taken', 'request.in_progress'],
    422: ['auth.password_invalid'],
  })
  create(
    @CurrentCaller() caller: Caller,
    @Body() body: CreateUserDto,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<UserDto> {
    requireOrgAdmin(caller);

    return this.users.create(caller, body, idempotencyKey);
  }

  @Get('users')
  @ApiOkResponse({ type: UserPageDto, description: "The caller's organisation's directory." })
  @ApiErrors(CURSOR_ERRORS)
  async list(@CurrentCaller() caller: Caller, @Query() query: PageQueryDto): Promise<UserPageDto> {
    const page = await this.contacts.listUsers(caller, {
      orgId: caller.orgId,
      ...pageRequest(query),
    });

    return { items: page.items.map(toUserDto), nextCursor: nextCursorOf(page.nextCursor) };
  }

  @Get('users/:id')
  @ApiOkResponse({ type: UserDto })
  @ApiErrors({ 404: ['user.not_found'] })
  get(@CurrentCaller() caller: Caller, @Param('id', uuidParam('id')) id: string): Promise<UserDto> {
    return this.users.get(caller, id);
  }
}
