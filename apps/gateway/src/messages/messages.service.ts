import { Inject, Injectable } from '@nestjs/common';

import { ConferError } from '@confer/errors';
import { Caller } from '@confer/grpc';

import { MESSAGING, MessagingClient } from '../clients/service-clients';
import { messageKind, toMessageDto, toReadStateDto } from './message.mapper';
import { MarkReadDto, MessageDto, ReadStateDto, SendMessageDto } from './messages.dto';

export interface SentMessage {
  message: MessageDto;
  /** False when the clientMessageId had been used and the first result is returned. */
  created: boolean;
}

/**
 * Sending and reading, shared by the HTTP endpoints and the WebSocket fast
 * path so both validate the same DTOs and make the same call.
 */
@Injectable()
export class MessagesService {
  constructor(@Inject(MESSAGING) private readonly messaging: MessagingClient) {}

  async send(caller: Caller, conversationId: string, body: SendMessageDto): Promise<SentMessage> {
    const result = await this.messaging.sendMessage(caller, {
      conversationId,
      clientMessageId: body.clientMessageId,
      kind: messageKind(body.kind),
      text: body.kind === 'text' ? (body.text ?? '') : '',
      emoji: body.kind === 'emoji' ? (body.emoji ?? '') : '',
    });
    if (!result.message) {
      throw new ConferError(
        'internal',
        'internal',
        'The messaging service answered without a message.',
      );
    }

    return { message: toMessageDto(result.message), created: result.created };
  }

  async markRead(caller: Caller, conversationId: string, body: MarkReadDto): Promise<ReadStateDto> {
    return toReadStateDto(await this.messaging.markRead(caller, { conversationId, seq: body.seq }));
  }
}
