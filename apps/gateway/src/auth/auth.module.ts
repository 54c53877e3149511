import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';

import { AUTH, AuthClient } from '../clients/service-clients';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { AuthGuard } from './auth.guard';
import { AuthHttpController } from './auth.http.controller';
import { BuiltInTokenVerifier } from './built-in-token-verifier';
import { AuthServiceJwksSource } from './jwks-source';
import { KeycloakSsoHttpController } from './keycloak-sso.http.controller';
import { RevokedSessions } from './revoked-sessions';
import { BUILT_IN_VERIFIER, keycloakProviders } from './keycloak-sso.providers';
import { SecondFactorSessionGate } from './session-gate';
import { SESSION_GATE, TOKEN_VERIFIER } from './token-verifier';

/**
 * Who may call: the token verifier (routing by issuer between the built-in
 * issuer and, when configured, the Keycloak realm), the session gate (where
 * the second factor is enforced) and the global guard that uses both.
 */
@Module({
  controllers: [AuthHttpController, KeycloakSsoHttpController],
  providers: [
    {
      provide: BUILT_IN_VERIFIER,
      inject: [AUTH, GATEWAY_CONFIG],
      useFactory: (auth: AuthClient, config: GatewayConfig) =>
        new BuiltInTokenVerifier(new AuthServiceJwksSource(auth), {
          clockToleranceSeconds: config.auth.clockToleranceSeconds,
          refreshIntervalMs: config.auth.jwksRefreshMs,
        }),
    },
    ...keycloakProviders,
    { provide: SESSION_GATE, useClass: SecondFactorSessionGate },
    RevokedSessions,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [TOKEN_VERIFIER, SESSION_GATE, RevokedSessions],
})
export class AuthModule {}
