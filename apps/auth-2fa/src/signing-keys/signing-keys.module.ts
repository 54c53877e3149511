import { Module } from '@nestjs/common';

import { JwksGrpcController } from './jwks.grpc.controller';
import { SigningKeysService } from './signing-keys.service';

@Module({
  controllers: [JwksGrpcController],
  providers: [SigningKeysService],
  exports: [SigningKeysService],
})
export class SigningKeysModule {}
