import { Module } from '@nestjs/common';

import { CredentialsModule } from '../credentials/credentials.module';
import { TokensModule } from '../tokens/tokens.module';
import { LoginGrpcController } from './login.grpc.controller';
import { LoginService } from './login.service';

@Module({
  imports: [CredentialsModule, TokensModule],
  controllers: [LoginGrpcController],
  providers: [LoginService],
})
export class LoginModule {}
