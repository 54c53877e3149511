import { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';

import { AuthError } from '@confer/errors';
import { callerFromMetadata, isSystemCaller } from '@confer/grpc';
import { auth } from '@confer/proto';

import { toTokenGrant } from '../sessions/sessions.grpc.controller';
import { SsoLoginService } from './sso-login.service';

@Controller()
export class SsoGrpcController implements Pick<auth.AuthServiceController, 'loginWithSso'> {
  constructor(private readonly logins: SsoLoginService) {}

  /** Platform only: the caller vouches that it verified the user's identity. */
  @GrpcMethod('AuthService', 'loginWithSso')
  async loginWithSso(
    request: auth.LoginWithSsoRequest,
    metadata: Metadata,
  ): Promise<auth.TokenGrant> {
    const caller = callerFromMetadata(metadata);
    if (!isSystemCaller(caller)) {
      throw AuthError.forbidden('Only the platform may start single sign-on sessions.');
    }
    const grant = await this.logins.login({
      userId: request.userId,
      deviceName: request.deviceName,
      client: request.client,
      ip: request.clientIp,
      issuer: request.issuer,
      subject: request.subject,
      correlationId: caller.correlationId,
    });

    return toTokenGrant(grant);
  }
}
