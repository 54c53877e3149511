import { Module } from '@nestjs/common';

import { DiscussionsGrpcController } from './discussions.grpc.controller';
import { DiscussionsService } from './discussions.service';

@Module({
  controllers: [DiscussionsGrpcController],
  providers: [DiscussionsService],
})
export class DiscussionsModule {}
