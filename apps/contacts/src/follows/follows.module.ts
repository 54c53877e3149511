import { Module } from '@nestjs/common';

import { FollowsGrpcController } from './follows.grpc.controller';
import { FollowsService } from './follows.service';

@Module({
  controllers: [FollowsGrpcController],
  providers: [FollowsService],
  exports: [FollowsService],
})
export class FollowsModule {}
