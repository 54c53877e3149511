import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { Caller } from '@confer/grpc';
import { discussion } from '@confer/proto';

import { CurrentCaller } from '../auth/current-caller.decorator';
import { DISCUSSION, DiscussionClient } from '../clients/service-clients';
import { ApiErrors } from '../http/api-errors';
import { ApiIdempotencyKey, IdempotencyKey } from '../http/idempotency-key.decorator';
import { uuidParam } from '../http/validation';
import { AddDiscussionMembersDto, CreateDiscussionDto, DiscussionDto } from './discussions.dto';

@ApiTags('discussions')
@Controller('discussions')
export class DiscussionsHttpController {
  constructor(@Inject(DISCUSSION) private readonly discussions: DiscussionClient) {}

  @Post()
  @ApiCreatedResponse({ type: DiscussionDto })
  @ApiIdempotencyKey()
  @ApiErrors({
    403: ['conversation.group_creation_restricted', 'conversation.blocked'],
    422: ['discussion.invalid', 'conversation.unknown_users', 'conversation.too_many_members'],
  })
  async create(
    @CurrentCaller() caller: Caller,
    @Body() body: CreateDiscussionDto,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<DiscussionDto> {
    const created = await this.discussions.createDiscussion(caller, {
      topic: body.topic,
      memberIds: body.memberIds,
      idempotencyKey: idempotencyKey ?? '',
    });

    return toDiscussionDto(created);
  }

  @Get(':id')
  @ApiOkResponse({ type: DiscussionDto })
  @ApiErrors({ 404: ['discussion.not_found'] })
  async get(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam('id')) id: string,
  ): Promise<DiscussionDto> {
    return toDiscussionDto(await this.discussions.getDiscussion(caller, { discussionId: id }));
  }

  @Post(':id/members')
  @HttpCode(200)
  @ApiOkResponse({ type: DiscussionDto })
  @ApiErrors({
    404: ['discussion.not_found'],
    422: ['discussion.invalid', 'conversation.unknown_users', 'conversation.too_many_members'],
  })
  async addMembers(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: AddDiscussionMembersDto,
  ): Promise<DiscussionDto> {
    const updated = await this.discussions.addMembers(caller, {
      discussionId: id,
      userIds: body.userIds,
    });

    return toDiscussionDto(updated);
  }
}

function toDiscussionDto(value: discussion.Discussion): DiscussionDto {
  return {
    id: value.id,
    orgId: value.orgId,
    topic: value.topic,
    creatorId: value.creatorId,
    createdAt: value.createdAt,
    memberCount: value.memberCount,
  };
}
