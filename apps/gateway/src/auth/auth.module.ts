import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';

import { AUTH, AuthClient } from '../clients/service-clients';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { AuthGuard } from './auth.guard';
import { AuthHttpController } from './auth.http.controller';
import { BuiltInTokenVerifier } from './built-in-token-verifier';
import { AuthServiceJwksSource } from './jwks-source';
import { OpenSessionGate, SESSION_GATE, TOKEN_VERIFIER } from './token-verifier';

/**
 * Who may call: the token verifier (the built-in issuer today; a Keycloak
 * verifier is another provider for TOKEN_VERIFIER), the session gate (where
 * the second factor will be enforced) and the global guard that uses both.
 */
@Module({
  controllers: [AuthHttpController],
  providers: [
    {
      provide: TOKEN_VERIFIER,
      inject: [AUTH, GATEWAY_CONFIG],
      useFactory: (auth: AuthClient, config: GatewayConfig) =>
        new BuiltInTokenVerifier(new AuthServiceJwksSource(auth), {
          clockToleranceSeconds: config.auth.clockToleranceSeconds,
          refreshIntervalMs: config.auth.jwksRefreshMs,
        }),
    },
    { provide: SESSION_GATE, useClass: OpenSessionGate },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [TOKEN_VERIFIER, SESSION_GATE],
})
export class AuthModule {}
