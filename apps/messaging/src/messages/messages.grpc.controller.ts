import { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';

import { messaging } from '@confer/proto';

import { requireCaller } from '../caller';
import { MessagesService } from './messages.service';

/** Sending and reading messages over gRPC. */
@Controller()
export class MessagesGrpcController implements Pick<
  messaging.MessagingServiceController,
  'sendMessage' | 'listMessages'
> {
  constructor(private readonly messages: MessagesService) {}

  @GrpcMethod('MessagingService', 'sendMessage')
  async sendMessage(
    request: messaging.SendMessageRequest,
    metadata: Metadata,
  ): Promise<messaging.SendMessageResult> {
    return this.messages.send(requireCaller(metadata), request);
  }

  @GrpcMethod('MessagingService', 'listMessages')
  listMessages(
    request: messaging.ListMessagesRequest,
    metadata: Metadata,
  ): Promise<messaging.MessagePage> {
    return this.messages.list(requireCaller(metadata), request);
  }
}
