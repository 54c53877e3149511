import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';

import { Caller } from '@confer/grpc';
import { messaging } from '@confer/proto';

import { CurrentCaller } from '../auth/current-caller.decorator';
import { MESSAGING, MessagingClient } from '../clients/service-clients';
import { ApiErrors, CURSOR_ERRORS } from '../http/api-errors';
import { pageRequest } from '../http/paging.dto';
import { uuidParam } from '../http/validation';
import { toMessagePageDto } from './message.mapper';
import {
  ListMessagesQueryDto,
  MarkReadDto,
  MessagePageDto,
  ReadStateDto,
  SendMessageDto,
  SendMessageResultDto,
} from './messages.dto';
import { MessagesService } from './messages.service';

@ApiTags('messages')
@Controller('conversations/:id')
export class MessagesHttpController {
  constructor(
    private readonly messages: MessagesService,
    @Inject(MESSAGING) private readonly messaging: MessagingClient,
  ) {}

  @Post('messages')
  @ApiCreatedResponse({ type: SendMessageResultDto, description: 'The message was created.' })
  @ApiOkResponse({
    type: SendMessageResultDto,
    description: 'The clientMessageId was used before: the first result, unchanged.',
  })
  @ApiErrors({
    403: ['message.blocked'],
    404: ['conversation.not_found'],
    413: ['request.too_large', 'message.too_large'],
    422: [
      'message.empty',
      'message.text_invalid',
      'message.emoji_invalid',
      'message.client_id_invalid',
      'message.kind_invalid',
    ],
  })
  async send(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: SendMessageDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SendMessageResultDto> {
    const { message, created } = await this.messages.send(caller, id, body);
    response.status(created ? 201 : 200);

    return { message };
  }

  @Get('messages')
  @ApiOkResponse({ type: MessagePageDto })
  @ApiErrors({ ...CURSOR_ERRORS, 404: ['conversation.not_found'] })
  async list(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam('id')) id: string,
    @Query() query: ListMessagesQueryDto,
  ): Promise<MessagePageDto> {
    const page = await this.messaging.listMessages(caller, {
      conversationId: id,
      direction:
        query.direction === 'forward'
          ? messaging.HistoryDirection.HISTORY_DIRECTION_FORWARD
          : messaging.HistoryDirection.HISTORY_DIRECTION_BACKWARD,
      seq: query.seq ?? 0,
      ...pageRequest(query),
    });

    return toMessagePageDto(page);
  }

  @Post('read')
  @HttpCode(200)
  @ApiOkResponse({ type: ReadStateDto })
  @ApiErrors({ 404: ['conversation.not_found'] })
  async markRead(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: MarkReadDto,
  ): Promise<ReadStateDto> {
    return this.messages.markRead(caller, id, body);
  }
}
