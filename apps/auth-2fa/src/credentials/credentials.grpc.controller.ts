import { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';

import { callerFromMetadata } from '@confer/grpc';
import { auth, common } from '@confer/proto';

import { CredentialsService } from './credentials.service';

@Controller()
export class CredentialsGrpcController implements Pick<auth.AuthServiceController, 'setPassword'> {
  constructor(private readonly credentials: CredentialsService) {}

  @GrpcMethod('AuthService', 'setPassword')
  async setPassword(request: auth.SetPasswordRequest, metadata: Metadata): Promise<common.Empty> {
    await this.credentials.setPassword(
      callerFromMetadata(metadata),
      request.userId,
      request.password,
    );

    return {};
  }
}
