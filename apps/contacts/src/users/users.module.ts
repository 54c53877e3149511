import { Module } from '@nestjs/common';

import { UsersGrpcController } from './users.grpc.controller';
import { UsersService } from './users.service';

@Module({
  controllers: [UsersGrpcController],
  providers: [UsersService],
})
export class UsersModule {}
