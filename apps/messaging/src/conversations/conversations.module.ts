import { Module } from '@nestjs/common';

import { ChangesModule } from '../changes/changes.module';
import { DirectoryModule } from '../directory/directory.module';
import { ConversationsGrpcController } from './conversations.grpc.controller';
import { ConversationsService } from './conversations.service';
import { MembersService } from './members.service';

@Module({
  imports: [ChangesModule, DirectoryModule],
  controllers: [ConversationsGrpcController],
  providers: [ConversationsService, MembersService],
})
export class ConversationsModule {}
