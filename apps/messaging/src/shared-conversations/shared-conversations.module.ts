import { Module } from '@nestjs/common';

import { SharedConversationsGrpcController } from './shared-conversations.grpc.controller';
import { SharedConversationsService } from './shared-conversations.service';

@Module({
  controllers: [SharedConversationsGrpcController],
  providers: [SharedConversationsService],
})
export class SharedConversationsModule {}
