import { Module } from '@nestjs/common';

import { TokensModule } from '../tokens/tokens.module';
import { SessionsGrpcController } from './sessions.grpc.controller';
import { SessionsService } from './sessions.service';
import { UserDisabledConsumer } from './user-disabled.consumer';

/** Login sessions: refresh rotation, listing, revocation, and ending those of disabled users. */
@Module({
  imports: [TokensModule],
  controllers: [SessionsGrpcController],
  providers: [SessionsService, UserDisabledConsumer],
  exports: [SessionsService],
})
export class SessionsModule {}
