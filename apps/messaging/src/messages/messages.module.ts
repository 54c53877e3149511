import { Module } from '@nestjs/common';

import { ChangesModule } from '../changes/changes.module';
import { MessagesGrpcController } from './messages.grpc.controller';
import { MessagesService } from './messages.service';
import { SendBatcher } from './send-batcher';

@Module({
  imports: [ChangesModule],
  controllers: [MessagesGrpcController],
  providers: [MessagesService, SendBatcher],
})
export class MessagesModule {}
