import { Module } from '@nestjs/common';

import { SessionsModule } from '../sessions/sessions.module';
import { SsoGrpcController } from './sso.grpc.controller';
import { SsoLoginService } from './sso-login.service';

/** Sessions for users signed in by the configured Keycloak realm (LoginWithSso). */
@Module({
  imports: [SessionsModule],
  controllers: [SsoGrpcController],
  providers: [SsoLoginService],
})
export class SsoModule {}
