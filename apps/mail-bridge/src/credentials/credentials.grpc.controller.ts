import { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';

import { callerFromMetadata, isSystemCaller } from '@confer/grpc';
import { mailbridge } from '@confer/proto';

import { MailCredentialsError } from './credentials.errors';
import { CredentialCheck, MailCredentialsService } from './mail-credentials.service';

const RESULTS: Record<CredentialCheck, mailbridge.CredentialCheck> = {
  ok: mailbridge.CredentialCheck.CREDENTIAL_CHECK_OK,
  bad_credentials: mailbridge.CredentialCheck.CREDENTIAL_CHECK_BAD_CREDENTIALS,
  unknown_domain: mailbridge.CredentialCheck.CREDENTIAL_CHECK_UNKNOWN_DOMAIN,
};

@Controller()
export class CredentialsGrpcController implements Pick<
  mailbridge.MailBridgeServiceController,
  'checkCredentials'
> {
  constructor(private readonly credentials: MailCredentialsService) {}

  @GrpcMethod('MailBridgeService', 'checkCredentials')
  async checkCredentials(
    request: mailbridge.CheckCredentialsRequest,
    metadata: Metadata,
  ): Promise<mailbridge.CheckCredentialsResult> {
    if (!isSystemCaller(callerFromMetadata(metadata))) {
      throw MailCredentialsError.platformOnly();
    }

    return {
      result: RESULTS[await this.credentials.check(request.email, request.password, request.orgId)],
    };
  }
}
