import { Module } from '@nestjs/common';

import { ChangesModule } from '../changes/changes.module';
import { ReadStateGrpcController } from './read-state.grpc.controller';
import { ReadStateService } from './read-state.service';

@Module({
  imports: [ChangesModule],
  controllers: [ReadStateGrpcController],
  providers: [ReadStateService],
})
export class ReadStateModule {}
