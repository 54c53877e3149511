import { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';

import { callerFromMetadata } from '@confer/grpc';
import { messaging } from '@confer/proto';

import { SharedConversationsService } from './shared-conversations.service';

@Controller()
export class SharedConversationsGrpcController implements Pick<
  messaging.MessagingServiceController,
  'listSharedConversations'
> {
  constructor(private readonly shared: SharedConversationsService) {}

  @GrpcMethod('MessagingService', 'listSharedConversations')
  async listSharedConversations(
    request: messaging.ListSharedConversationsRequest,
    metadata: Metadata,
  ): Promise<messaging.ConversationList> {
    const items = await this.shared.list(
      callerFromMetadata(metadata),
      request.otherUserId,
      request.limit,
    );

    return { items };
  }
}
