import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';

import { auth } from '@confer/proto';

import { AUTH_CONFIG, AuthConfig } from '../config';
import { SigningKeysService } from './signing-keys.service';

@Controller()
export class JwksGrpcController implements Pick<auth.AuthServiceController, 'getJwks'> {
  constructor(
    private readonly signingKeys: SigningKeysService,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  /** Public keys and the claims verifiers must check: no caller identity is needed to read them. */
  @GrpcMethod('AuthService', 'getJwks')
  async getJwks(): Promise<auth.Jwks> {
    return {
      json: JSON.stringify(await this.signingKeys.jwks()),
      issuer: this.config.tokens.issuer,
      audience: this.config.tokens.audience,
    };
  }
}
