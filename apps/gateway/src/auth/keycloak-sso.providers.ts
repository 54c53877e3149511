import { Provider } from '@nestjs/common';

import { CONTACTS, ContactsClient } from '../clients/service-clients';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { IssuerRouter } from './issuer-router';
import { KeycloakAdapter } from './keycloak-adapter';
import { KeycloakTokenVerifier } from './keycloak-token-verifier';
import { KeycloakUserDirectory } from './keycloak-user-directory';
import { TOKEN_VERIFIER, TokenVerifier } from './token-verifier';

/** The verifier of Confer's own tokens, before routing by issuer. */
export const BUILT_IN_VERIFIER = Symbol('BUILT_IN_VERIFIER');

/** The Keycloak realm's verifier, or null when SSO is not configured. */
export const KEYCLOAK_VERIFIER = Symbol('KEYCLOAK_VERIFIER');

/**
 * TOKEN_VERIFIER routes by issuer between the built-in verifier and, when
 * KEYCLOAK_URL, KEYCLOAK_REALM and KEYCLOAK_CLIENT_ID are set, the realm's.
 */
export const keycloakProviders: Provider[] = [
  {
    provide: KEYCLOAK_VERIFIER,
    inject: [CONTACTS, GATEWAY_CONFIG],
    useFactory: (contacts: ContactsClient, config: GatewayConfig) => {
      const keycloak = config.keycloak;
      if (!keycloak) {
        return null;
      }
      const adapter = new KeycloakAdapter({
        ...keycloak,
        clockToleranceSeconds: config.auth.clockToleranceSeconds,
      });

      return new KeycloakTokenVerifier(
        adapter,
        new KeycloakUserDirectory(contacts, keycloak.userCacheMs),
        keycloak.roleMap,
      );
    },
  },
  {
    provide: TOKEN_VERIFIER,
    inject: [BUILT_IN_VERIFIER, KEYCLOAK_VERIFIER, GATEWAY_CONFIG],
    useFactory: (
      builtIn: TokenVerifier,
      keycloak: KeycloakTokenVerifier | null,
      config: GatewayConfig,
    ) =>
      new IssuerRouter(builtIn, keycloak ? [{ issuer: keycloak.issuer, verifier: keycloak }] : [], {
        builtInCacheEntries: config.auth.tokenCacheEntries,
      }),
  },
];
