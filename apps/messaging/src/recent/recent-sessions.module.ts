import { Module } from '@nestjs/common';

import { ChangesModule } from '../changes/changes.module';
import { RecentSessionsGrpcController } from './recent-sessions.grpc.controller';
import { RecentSessionsService } from './recent-sessions.service';

@Module({
  imports: [ChangesModule],
  controllers: [RecentSessionsGrpcController],
  providers: [RecentSessionsService],
})
export class RecentSessionsModule {}
