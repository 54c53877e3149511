import { generateKeyPair, SignJWT } from 'jose';

import { ConferError } from '@confer/errors';
import { KeycloakTestIssuer, KeycloakTestUser } from '@confer/testing';

import { KeycloakAdapter, KeycloakAdapterOptions } from './keycloak-adapter';
import { DirectoryUser, UserLookup } from './keycloak-user-directory';
import { KeycloakTokenVerifier } from './keycloak-token-verifier';

const ORG_ID = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const ALICE_ID = '6b1f0a3e-8a5c-4d2e-9f1b-2c3d4e5f6a7b';
const DISABLED_ID = '7c2a1b4f-9b6d-4e3f-8a2c-3d4e5f6a7b8c';
const REFRESH_MS = 200;

/** The directory as contacts would answer it, counting look-ups. */
class FakeDirectory implements UserLookup {
  lookups = 0;
  readonly users = new Map<string, DirectoryUser>([
    ['alice@corp.example', { id: ALICE_ID, orgId: ORG_ID, roles: ['auditor'], active: true }],
    ['gone@corp.example', { id: DISABLED_ID, orgId: ORG_ID, roles: [], active: false }],
  ]);

  async findByEmail(email: string): Promise<DirectoryUser | undefined> {
    this.lookups += 1;

    return this.users.get(email.toLowerCase());
  }
}

const ALICE: KeycloakTestUser = {
  username: 'alice',
  password: 'alice-pass',
  email: 'Alice@corp.example',
  realmRoles: ['confer-admin', 'offline_access'],
};

async function failureOf(promise: Promise<unknown>): Promise<ConferError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ConferError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a refusal');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(KeycloakTokenVerifier.name, () => {
  let realm: KeycloakTestIssuer;
  let directory: FakeDirectory;
  let verifier: KeycloakTokenVerifier;

  const adapterOptions = (issuer: KeycloakTestIssuer): KeycloakAdapterOptions => ({
    realmUrl: issuer.realmUrl,
    realm: issuer.realm,
    serverUrl: issuer.url,
    clientId: issuer.clientId,
    clockToleranceSeconds: 5,
    jwksRefreshMs: REFRESH_MS,
    jwksMaxAgeMs: 600_000,
    jwksTimeoutMs: 2_000,
    tokenCacheEntries: 100,
  });

  beforeEach(async () => {
    realm = await KeycloakTestIssuer.start({ realm: 'corp', clientId: 'confer-web' });
    realm.addUser(ALICE);
    directory = new FakeDirectory();
    verifier = new KeycloakTokenVerifier(
      new KeycloakAdapter(adapterOptions(realm)),
      directory,
      new Map([['confer-admin', ['org_admin']]]),
    );
  });

  afterEach(async () => {
    await realm.close();
  });

  it('maps a good token to the directory user by address, adding mapped realm roles', async () => {
    const token = await realm.issue(ALICE, { sid: 'kc-session-1' });

    const verified = await verifier.verify(token);

    expect(verified).toEqual({
      userId: ALICE_ID,
      orgId: ORG_ID,
      roles: ['auditor', 'org_admin'],
      sessionId: 'kc-session-1',
      expiresAt: expect.any(Number),
      issuer: 'keycloak',
    });
    expect(verified.expiresAt).toBeGreaterThan(Date.now());
  });

  it('accepts a token from the password grant at the token endpoint', async () => {
    const answer = await fetch(`${realm.realmUrl}/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: 'confer-web',
        username: 'alice',
        password: 'alice-pass',
      }),
    });
    const grant = (await answer.json()) as { access_token: string };

    await expect(verifier.verify(grant.access_token)).resolves.toMatchObject({
      userId: ALICE_ID,
    });
  });

  it('gives a user without a mapped realm role only the directory roles', async () => {
    const token = await realm.issue({ ...ALICE, realmRoles: ['offline_access'] });

    await expect(verifier.verify(token)).resolves.toMatchObject({ roles: ['auditor'] });
  });

  it('accepts a token for the client named only as the authorised party', async () => {
    const token = await realm.issue(ALICE, { aud: 'account', azp: 'confer-web' });

    await expect(verifier.verify(token)).resolves.toMatchObject({ userId: ALICE_ID });
  });

  it('refuses a token meant for another client', async () => {
    const token = await realm.issue(ALICE, { aud: ['account', 'billing'], azp: 'billing' });

    const error = await failureOf(verifier.verify(token));

    expect(error).toMatchObject({ code: 'auth.token_invalid', details: { reason: 'audience' } });
    expect(error.httpStatus).toBe(401);
  });

  it('refuses a token of another issuer', async () => {
    const other = await KeycloakTestIssuer.start({ realm: 'corp', clientId: 'confer-web' });
    try {
      const error = await failureOf(verifier.verify(await other.issue(ALICE)));

      expect(error).toMatchObject({ code: 'auth.token_invalid', details: { reason: 'issuer' } });
      expect(realm.certsRequests).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('refuses an expired token as expired', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await realm.issue(ALICE, { iat: now - 600, exp: now - 1 });

    const error = await failureOf(verifier.verify(token));

    expect(error).toMatchObject({ code: 'auth.token_expired' });
    expect(error.httpStatus).toBe(401);
  });

  it('refuses a token verified before once it has expired', async () => {
    const token = await realm.issue(ALICE, { exp: Math.floor(Date.now() / 1000) + 1 });
    await verifier.verify(token);

    await sleep(1_100 - (Date.now() % 1000) + 50);

    await expect(failureOf(verifier.verify(token))).resolves.toMatchObject({
      code: 'auth.token_expired',
    });
  });

  it('refuses a token that is not valid yet, beyond the clock tolerance', async () => {
    const now = Math.floor(Date.now() / 1000);

    const early = await failureOf(verifier.verify(await realm.issue(ALICE, { nbf: now + 60 })));
    const skewed = verifier.verify(await realm.issue(ALICE, { nbf: now + 2 }));

    expect(early).toMatchObject({
      code: 'auth.token_invalid',
      details: { reason: 'not yet valid' },
    });
    await expect(skewed).resolves.toMatchObject({ userId: ALICE_ID });
  });

  it('refuses a tampered token', async () => {
    const token = await realm.issue({ ...ALICE, realmRoles: [] });
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    claims.realm_access = { roles: ['confer-admin'] };
    const forged = [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature];

    const error = await failureOf(verifier.verify(forged.join('.')));

    expect(error).toMatchObject({ code: 'auth.token_invalid', details: { reason: 'signature' } });
  });

  it('refuses a token signed by another key under a published key id', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const claims = JSON.parse(
      Buffer.from((await realm.issue(ALICE)).split('.')[1], 'base64url').toString(),
    ) as Record<string, unknown>;
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: realm.currentKid })
      .sign(privateKey);

    const error = await failureOf(verifier.verify(forged));

    expect(error).toMatchObject({ code: 'auth.token_invalid', details: { reason: 'signature' } });
  });

  it('refuses tokens that are not RS256 access tokens', async () => {
    const [, payload] = (await realm.issue(ALICE)).split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: realm.currentKid })).toString('base64url')}.${payload}.`;
    const idToken = await realm.issue(ALICE, { typ: 'ID' });

    await expect(failureOf(verifier.verify(none))).resolves.toMatchObject({
      code: 'auth.token_invalid',
      details: { reason: 'algorithm not allowed' },
    });
    await expect(failureOf(verifier.verify(idToken))).resolves.toMatchObject({
      code: 'auth.token_invalid',
      details: { reason: 'not an access token' },
    });
    await expect(failureOf(verifier.verify('not-a-token'))).resolves.toMatchObject({
      code: 'auth.token_invalid',
      details: { reason: 'malformed' },
    });
  });

  it('refuses unknown, disabled and unverified addresses as auth.unknown_user', async () => {
    const unknown = await realm.issue({ ...ALICE, email: 'stranger@corp.example' });
    const disabled = await realm.issue({ ...ALICE, email: 'gone@corp.example' });
    const unverified = await realm.issue({ ...ALICE, emailVerified: false });
    const withoutAddress = await realm.issue(ALICE, { email: undefined });

    for (const token of [unknown, disabled, unverified, withoutAddress]) {
      const error = await failureOf(verifier.verify(token));

      expect(error).toMatchObject({ code: 'auth.unknown_user' });
      expect(error.httpStatus).toBe(401);
    }
  });

  describe('key rotation', () => {
    it('fetches the keys once and reuses them', async () => {
      await verifier.verify(await realm.issue(ALICE));
      await verifier.verify(await realm.issue(ALICE));

      expect(realm.certsRequests).toBe(1);
    });

    it('accepts a new key after rotation and refuses the old one once it is removed', async () => {
      const oldKid = realm.currentKid;
      const oldToken = await realm.issue(ALICE);
      await verifier.verify(oldToken);

      await realm.rotateKey();
      const newToken = await realm.issue(ALICE);
      // An unknown key id is fetched for at most once per refresh interval.
      await sleep(REFRESH_MS + 50);

      await expect(verifier.verify(newToken)).resolves.toMatchObject({ userId: ALICE_ID });
      expect(realm.certsRequests).toBe(2);
      await expect(verifier.verify(oldToken)).resolves.toMatchObject({ userId: ALICE_ID });

      realm.removeKey(oldKid);
      await realm.rotateKey();
      await sleep(REFRESH_MS + 50);

      await expect(verifier.verify(await realm.issue(ALICE))).resolves.toMatchObject({
        userId: ALICE_ID,
      });
      expect(realm.certsRequests).toBe(3);
      const refused = await failureOf(verifier.verify(oldToken));
      expect(refused).toMatchObject({
        code: 'auth.token_invalid',
        details: { reason: 'unknown signing key' },
      });
    });

    it('fetches at most once per refresh interval however many unknown key ids arrive', async () => {
      await verifier.verify(await realm.issue(ALICE));
      const { privateKey } = await generateKeyPair('RS256');
      const claims = { iss: realm.realmUrl, typ: 'Bearer', azp: 'confer-web', sub: ALICE_ID };
      const forged = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          new SignJWT(claims)
            .setProtectedHeader({ alg: 'RS256', kid: `forged-${index}` })
            .setExpirationTime('5m')
            .sign(privateKey),
        ),
      );

      const errors = await Promise.all(forged.map((token) => failureOf(verifier.verify(token))));

      expect(errors.every((error) => error.code === 'auth.token_invalid')).toBe(true);
      expect(realm.certsRequests).toBeLessThanOrEqual(2);
    });
  });

  it('answers 503 while the realm has never been reachable', async () => {
    const token = await realm.issue(ALICE);
    await realm.close();

    const error = await failureOf(verifier.verify(token));

    expect(error).toMatchObject({ code: 'service.unavailable' });
    expect(error.httpStatus).toBe(503);
  });
});
