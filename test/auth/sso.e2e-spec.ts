import { DEMO_ADMIN, DEMO_PASSWORD } from '@confer/stack';
import { KeycloakTestIssuer, KeycloakTestUser } from '@confer/testing';

import { ApiClient, ApiErrorBody, createUser, TestUser, useStack } from '../support';

const REALM = 'corp';
const CLIENT_ID = 'confer-web';

/** The claims of a token, read without verifying it (the test's own tokens). */
function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<
    string,
    unknown
  >;
}

function errorOf(response: { body: unknown }): ApiErrorBody['error'] {
  return (response.body as ApiErrorBody).error;
}

interface SessionList {
  items: Array<{ id: string; deviceName: string; current: boolean }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('single sign-on with Keycloak', () => {
  let realm: KeycloakTestIssuer;

  // Registered before useStack's own hook, so the realm is up when the gateway starts.
  beforeAll(async () => {
    realm = await KeycloakTestIssuer.start({ realm: REALM, clientId: CLIENT_ID });
  });

  const stack = useStack({
    own: true,
    appEnv: () => ({
      gateway: {
        KEYCLOAK_URL: realm.url,
        KEYCLOAK_REALM: REALM,
        KEYCLOAK_CLIENT_ID: CLIENT_ID,
        KEYCLOAK_ROLE_MAP: 'confer-admin=org_admin',
        KEYCLOAK_JWKS_REFRESH_SECONDS: '1',
      },
    }),
  });

  afterAll(async () => {
    await realm.close();
  });

  let admin: ApiClient;
  let alice: TestUser;
  let aliceAccount: KeycloakTestUser;

  beforeAll(async () => {
    admin = await ApiClient.login(stack().gatewayUrl, DEMO_ADMIN.email, DEMO_PASSWORD);
    alice = await createUser(admin);
    aliceAccount = { username: 'alice', password: 'unused', email: alice.email.toUpperCase() };
  });

  const as = (token: string) => new ApiClient(stack().gatewayUrl, token);

  describe('Keycloak bearer tokens on any route', () => {
    it('map to the directory user by verified address', async () => {
      const me = await as(await realm.issue(aliceAccount)).get<{ id: string; email: string }>(
        '/me',
      );

      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: alice.id, email: alice.email });
    });

    it('carry org_admin only when the realm role that maps to it is present', async () => {
      const plain = await as(await realm.issue(aliceAccount)).get('/admin/settings');
      const mapped = await as(
        await realm.issue({ ...aliceAccount, realmRoles: ['confer-admin'] }),
      ).get('/admin/settings');

      expect(plain.status).toBe(403);
      expect(errorOf(plain).code).toBe('auth.forbidden');
      expect(mapped.status).toBe(200);
    });

    it('are refused when meant for another client', async () => {
      const token = await realm.issue(aliceAccount, { aud: ['account'], azp: 'billing' });

      const answer = await as(token).get('/me');

      expect(answer.status).toBe(401);
      expect(errorOf(answer)).toMatchObject({
        code: 'auth.token_invalid',
        details: { reason: 'audience' },
      });
    });

    it('are refused when issued by another realm', async () => {
      const other = await KeycloakTestIssuer.start({ realm: REALM, clientId: CLIENT_ID });
      try {
        const answer = await as(await other.issue(aliceAccount)).get('/me');

        expect(answer.status).toBe(401);
        expect(errorOf(answer).code).toBe('auth.token_invalid');
      } finally {
        await other.close();
      }
    });

    it('are refused as expired once expired', async () => {
      const now = Math.floor(Date.now() / 1000);

      const answer = await as(await realm.issue(aliceAccount, { exp: now - 5 })).get('/me');

      expect(answer.status).toBe(401);
      expect(errorOf(answer)).toMatchObject({
        code: 'auth.token_expired',
        message: expect.any(String),
      });
    });

    it('are refused when tampered with', async () => {
      const [header, , signature] = (await realm.issue(aliceAccount)).split('.');
      const claims = claimsOf(await realm.issue({ ...aliceAccount, realmRoles: ['confer-admin'] }));
      const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;

      const answer = await as(forged).get('/admin/settings');

      expect(answer.status).toBe(401);
      expect(errorOf(answer)).toMatchObject({
        code: 'auth.token_invalid',
        details: { reason: 'signature' },
      });
    });

    it('are refused for an address no directory user has', async () => {
      const token = await realm.issue({ ...aliceAccount, email: 'stranger@demo.confer.example' });

      const answer = await as(token).get('/me');

      expect(answer.status).toBe(401);
      expect(errorOf(answer).code).toBe('auth.unknown_user');
    });

    it('survive key rotation, and the old key stops working once the realm drops it', async () => {
      const oldKid = realm.currentKid;
      const oldToken = await realm.issue(aliceAccount);
      expect((await as(oldToken).get('/me')).status).toBe(200);

      await realm.rotateKey();
      // A new key id is fetched at most once per KEYCLOAK_JWKS_REFRESH_SECONDS (1 s here).
      await sleep(1_100);
      const rotated = await as(await realm.issue(aliceAccount)).get('/me');
      expect(rotated.status).toBe(200);
      expect((await as(oldToken).get('/me')).status).toBe(200);

      realm.removeKey(oldKid);
      await realm.rotateKey();
      await sleep(1_100);
      const newest = await as(await realm.issue(aliceAccount)).get('/me');
      const refused = await as(oldToken).get('/me');

      expect(newest.status).toBe(200);
      expect(refused.status).toBe(401);
      expect(errorOf(refused)).toMatchObject({
        code: 'auth.token_invalid',
        details: { reason: 'unknown signing key' },
      });
    });
  });

  describe('POST /auth/sso', () => {
    it('exchanges a Keycloak token for a Confer session of the same user', async () => {
      const keycloakToken = await realm.issue(aliceAccount);

      const answer = await new ApiClient(stack().gatewayUrl).post<{
        accessToken: string;
        tokenType: string;
        userId: string;
        orgId: string;
        refreshToken?: string;
        sessionId?: string;
      }>('/auth/sso', { accessToken: keycloakToken, deviceName: 'SSO laptop' });

      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ tokenType: 'Bearer', userId: alice.id });
      const confer = claimsOf(answer.body.accessToken);
      expect(confer.iss).not.toBe(realm.realmUrl);
      expect(confer.sub).toBe(alice.id);
      expect(typeof confer.sid).toBe('string');
      const me = await as(answer.body.accessToken).get<{ id: string }>('/me');
      expect(me.status).toBe(200);
      expect(me.body.id).toBe(alice.id);

      const sessions = await as(answer.body.accessToken).get<SessionList>('/auth/sessions');
      expect(sessions.body.items).toContainEqual(
        expect.objectContaining({
          id: answer.body.sessionId,
          deviceName: 'SSO laptop',
          current: true,
        }),
      );
      const refreshed = await new ApiClient(stack().gatewayUrl).post<{ sessionId: string }>(
        '/auth/refresh',
        { refreshToken: answer.body.refreshToken },
      );
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.sessionId).toBe(answer.body.sessionId);
    });

    it('refuses a token meant for another client, a Confer token and a malformed body', async () => {
      const client = new ApiClient(stack().gatewayUrl);
      const before = await alice.api.get<SessionList>('/auth/sessions');

      const foreign = await client.post('/auth/sso', {
        accessToken: await realm.issue(aliceAccount, { aud: 'account', azp: 'billing' }),
      });
      const conferToken = await client.post('/auth/sso', { accessToken: alice.api.token });
      const malformed = await client.post('/auth/sso', { accessToken: 42 });

      expect(foreign.status).toBe(401);
      expect(errorOf(foreign).code).toBe('auth.token_invalid');
      expect(conferToken.status).toBe(401);
      expect(errorOf(conferToken)).toMatchObject({
        code: 'auth.token_invalid',
        details: { reason: 'issuer' },
      });
      expect(malformed.status).toBe(400);
      expect(errorOf(malformed).code).toBe('request.invalid');
      const after = await alice.api.get<SessionList>('/auth/sessions');
      expect(after.body.items.map((session) => session.id).sort()).toEqual(
        before.body.items.map((session) => session.id).sort(),
      );
    });

    it('refuses a user the directory does not know', async () => {
      const answer = await new ApiClient(stack().gatewayUrl).post('/auth/sso', {
        accessToken: await realm.issue({ ...aliceAccount, email: 'nobody@demo.confer.example' }),
      });

      expect(answer.status).toBe(401);
      expect(errorOf(answer).code).toBe('auth.unknown_user');
    });
  });
});
