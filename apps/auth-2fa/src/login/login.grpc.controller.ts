import { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';

import { callerFromMetadata } from '@confer/grpc';
import { auth } from '@confer/proto';

import { toTokenGrant } from '../sessions/sessions.grpc.controller';
import { LoginService } from './login.service';

@Controller()
export class LoginGrpcController implements Pick<auth.AuthServiceController, 'login'> {
  constructor(private readonly logins: LoginService) {}

  @GrpcMethod('AuthService', 'login')
  async login(request: auth.LoginRequest, metadata: Metadata): Promise<auth.TokenGrant> {
    const grant = await this.logins.login(
      callerFromMetadata(metadata),
      request.email,
      request.password,
      {
        deviceName: request.deviceName,
        client: request.client,
        ip: request.clientIp,
        trustedDeviceToken: request.trustedDeviceToken,
      },
    );

    return toTokenGrant(grant);
  }
}
