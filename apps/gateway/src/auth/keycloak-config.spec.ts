import { ConfigError } from '@confer/config';

import { loadGatewayConfig } from '../config';
import { parseRoleMap } from './keycloak-config';

describe('Keycloak settings', () => {
  it('leaves SSO off when the realm is not configured', () => {
    expect(loadGatewayConfig({}).keycloak).toBeUndefined();
  });

  it('reads the realm, its URL and the role map', () => {
    const config = loadGatewayConfig({
      KEYCLOAK_URL: 'https://sso.corp.example/',
      KEYCLOAK_REALM: 'corp',
      KEYCLOAK_CLIENT_ID: 'confer-web',
      KEYCLOAK_ROLE_MAP: 'confer-admin=org_admin, it-staff=org_admin,it-staff=auditor',
    });

    expect(config.keycloak).toMatchObject({
      realmUrl: 'https://sso.corp.example/realms/corp',
      clientId: 'confer-web',
      jwksRefreshMs: 10_000,
      userCacheMs: 30_000,
    });
    expect([...config.keycloak!.roleMap]).toEqual([
      ['confer-admin', ['org_admin']],
      ['it-staff', ['org_admin', 'auditor']],
    ]);
  });

  it('names every missing setting when only part of the realm is configured', () => {
    const load = () => loadGatewayConfig({ KEYCLOAK_URL: 'https://sso.corp.example' });

    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/KEYCLOAK_REALM.*\n.*KEYCLOAK_CLIENT_ID/);
  });

  it('refuses realm names that keycloak-connect would expand from the environment', () => {
    expect(() =>
      loadGatewayConfig({
        KEYCLOAK_URL: 'https://sso.corp.example',
        KEYCLOAK_REALM: '${env.SECRET}',
        KEYCLOAK_CLIENT_ID: 'confer-web',
      }),
    ).toThrow(/KEYCLOAK_REALM/);
  });

  it('refuses a role map that is not realm-role=confer-role pairs', () => {
    expect(() =>
      loadGatewayConfig({
        KEYCLOAK_URL: 'https://sso.corp.example',
        KEYCLOAK_REALM: 'corp',
        KEYCLOAK_CLIENT_ID: 'confer-web',
        KEYCLOAK_ROLE_MAP: 'confer-admin',
      }),
    ).toThrow(/KEYCLOAK_ROLE_MAP/);
    expect([...parseRoleMap('')]).toEqual([]);
  });
});
