import { Module } from '@nestjs/common';

import { CredentialsModule } from '../credentials/credentials.module';
import { SessionsModule } from '../sessions/sessions.module';
import { LoginGrpcController } from './login.grpc.controller';
import { LoginService } from './login.service';
import { LoginThrottle } from './login-throttle';

@Module({
  imports: [CredentialsModule, SessionsModule],
  controllers: [LoginGrpcController],
  providers: [LoginService, LoginThrottle],
})
export class LoginModule {}
