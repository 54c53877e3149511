import { Module } from '@nestjs/common';

import { BlocksGrpcController } from './blocks.grpc.controller';
import { BlocksService } from './blocks.service';

@Module({
  controllers: [BlocksGrpcController],
  providers: [BlocksService],
  exports: [BlocksService],
})
export class BlocksModule {}
