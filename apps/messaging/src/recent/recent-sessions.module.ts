import { Module } from '@nestjs/common';

import { RecentSessionsGrpcController } from './recent-sessions.grpc.controller';
import { RecentSessionsService } from './recent-sessions.service';

@Module({
  controllers: [RecentSessionsGrpcController],
  providers: [RecentSessionsService],
})
export class RecentSessionsModule {}
