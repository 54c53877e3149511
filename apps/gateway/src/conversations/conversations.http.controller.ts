import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { Caller } from '@confer/grpc';
import { messaging } from '@confer/proto';

import { CurrentCaller } from '../auth/current-caller.decorator';
import { MESSAGING, MessagingClient } from '../clients/service-clients';
import { ApiErrors, CURSOR_ERRORS } from '../http/api-errors';
import { ApiIdempotencyKey, IdempotencyKey } from '../http/idempotency-key.decorator';
import { PageQueryDto, pageRequest } from '../http/paging.dto';
import { uuidParam } from '../http/validation';
import { toConversationDto, toMemberPageDto } from './conversation.mapper';
import {
  AddMembersDto,
  ConversationDto,
  CreateConversationDto,
  MemberPageDto,
  OpenPrivateConversationDto,
  TransferOwnershipDto,
} from './conversations.dto';

const NOT_VISIBLE = { 404: ['conversation.not_found'] };

@ApiTags('conversations')
@Controller('conversations')
export class ConversationsHttpController {
  constructor(@Inject(MESSAGING) private readonly messaging: MessagingClient) {}

  @Post()
  @ApiCreatedResponse({ type: ConversationDto, description: 'The new group chat.' })
  @ApiIdempotencyKey()
  @ApiErrors({
    403: ['conversation.group_creation_restricted', 'conversation.blocked'],
    422: [
      'conversation.unknown_users',
      'conversation.title_invalid',
      'conversation.too_many_members',
      'conversation.idempotency_key_invalid',
    ],
  })
  async create(
    @CurrentCaller() caller: Caller,
    @Body() body: CreateConversationDto,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<ConversationDto> {
    const conversation = await this.messaging.createConversation(caller, {
      kind: messaging.ConversationKind.CONVERSATION_KIND_GROUP,
      title: body.title,
      memberIds: body.memberIds,
      id: '',
      idempotencyKey: idempotencyKey ?? '',
    });

    return toConversationDto(conversation);
  }

  @Post('private')
  @HttpCode(200)
  @ApiOkResponse({
    type: ConversationDto,
    description: "The pair's one private chat, opened if new.",
  })
  @ApiErrors({
    403: ['conversation.blocked'],
    422: ['conversation.unknown_users', 'conversation.private_with_self'],
  })
  async openPrivate(
    @CurrentCaller() caller: Caller,
    @Body() body: OpenPrivateConversationDto,
  ): Promise<ConversationDto> {
    return toConversationDto(await this.messaging.openPrivateConversation(caller, body));
  }

  @Get(':id')
  @ApiOkResponse({ type: ConversationDto })
  @ApiErrors(NOT_VISIBLE)
  async get(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam('id')) id: string,
  ): Promise<ConversationDto> {
    return toConversationDto(await this.messaging.getConversation(caller, { conversationId: id }));
  }

  @Get(':id/members')
  @ApiOkResponse({ type: MemberPageDto })
  @ApiErrors({ ...CURSOR_ERRORS, ...NOT_VISIBLE })
  async members(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam('id')) id: string,
    @Query() query: PageQueryDto,
  ): Promise<MemberPageDto> {
    const page = await this.messaging.listMembers(caller, {
      conversationId: id,
      ...pageRequest(query),
    });

    return toMemberPageDto(page);
  }

  @Post(':id/members')
  @HttpCode(200)
  @ApiOkResponse({ type: ConversationDto })
  @ApiErrors({
    ...NOT_VISIBLE,
    403: ['conversation.blocked'],
    422: [
      'conversation.unknown_users',
      'conversation.too_many_members',
      'conversation.private_members_fixed',
    ],
  })
  async addMembers(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: AddMembersDto,
  ): Promise<ConversationDto> {
    const conversation = await this.messaging.addMembers(caller, {
      conversationId: id,
      userIds: body.userIds,
    });

    return toConversationDto(conversation);
  }

  @Delete(':id/members/:userId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The member was removed.' })
  @ApiErrors({
    ...NOT_VISIBLE,
    403: ['conversation.not_owner'],
    422: ['conversation.private_members_fixed'],
  })
  async removeMember(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam('id')) id: string,
    @Param('userId', uuidParam('userId')) userId: string,
  ): Promise<void> {
    await this.messaging.removeMember(caller, { conversationId: id, userId });
  }

  @Post(':id/leave')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The caller left the conversation.' })
  @ApiErrors({ ...NOT_VISIBLE, 409: ['conversation.owner_must_transfer'] })
  async leave(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam('id')) id: string,
  ): Promise<void> {
    await this.messaging.leaveConversation(caller, { conversationId: id });
  }

  @Post(':id/transfer')
  @HttpCode(200)
  @ApiOkResponse({ type: ConversationDto })
  @ApiErrors({
    ...NOT_VISIBLE,
    403: ['conversation.not_owner'],
    422: ['conversation.not_a_member'],
  })
  async transfer(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: TransferOwnershipDto,
  ): Promise<ConversationDto> {
    const conversation = await this.messaging.transferOwnership(caller, {
      conversationId: id,
      newOwnerId: body.newOwnerId,
    });

    return toConversationDto(conversation);
  }
}
