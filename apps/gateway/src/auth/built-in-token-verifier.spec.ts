import { exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';

import { AuthError } from '@confer/errors';

import { BuiltInTokenVerifier } from './built-in-token-verifier';
import { IssuerKeys, JwksSource } from './jwks-source';

const ISSUER = 'https://confer.test/issuer';
const AUDIENCE = 'confer-api';
const USER_ID = '6b1f0a3e-8a5c-4d2e-9f1b-2c3d4e5f6a7b';
const ORG_ID = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

interface SigningKey {
  kid: string;
  pair: KeyPair;
  jwk: JWK;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const pair = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' };

  return { kid, pair, jwk };
}

/** A JWKS source whose published keys the test changes, counting fetches. */
class FakeJwksSource implements JwksSource {
  fetches = 0;

  constructor(public keys: JWK[]) {}

  async fetch(): Promise<IssuerKeys> {
    this.fetches += 1;

    return { jwks: { keys: this.keys as never }, issuer: ISSUER, audience: AUDIENCE };
  }
}

const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);
const seconds = (ms: number) => Math.floor(ms / 1000);

function token(
  key: SigningKey,
  overrides: { iss?: string; aud?: string; exp?: number; nbf?: number } = {},
) {
  return new SignJWT({ org: ORG_ID, roles: ['org_admin'], sid: 'session-1' })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid })
    .setSubject(USER_ID)
    .setIssuer(overrides.iss ?? ISSUER)
    .setAudience(overrides.aud ?? AUDIENCE)
    .setIssuedAt(seconds(NOW) - 60)
    .setNotBefore(overrides.nbf ?? seconds(NOW) - 60)
    .setExpirationTime(overrides.exp ?? seconds(NOW) + 900)
    .sign(key.pair.privateKey);
}

async function failureOf(promise: Promise<unknown>): Promise<AuthError> {
  try {
    await promise;
  } catch (error) {
    return error as AuthError;
  }
  throw new Error('expected the token to be refused');
}

describe(BuiltInTokenVerifier.name, () => {
  let current: SigningKey;
  let source: FakeJwksSource;
  let now: number;
  let verifier: BuiltInTokenVerifier;

  beforeAll(async () => {
    current = await signingKey('key-1');
  });

  beforeEach(() => {
    source = new FakeJwksSource([current.jwk]);
    now = NOW;
    verifier = new BuiltInTokenVerifier(
      source,
      { clockToleranceSeconds: 5, refreshIntervalMs: 30_000 },
      () => now,
    );
  });

  it('accepts a valid token and reads its claims', async () => {
    const verified = await verifier.verify(await token(current));

    expect(verified).toEqual({
      userId: USER_ID,
      orgId: ORG_ID,
      roles: ['org_admin'],
      sessionId: 'session-1',
      expiresAt: (seconds(NOW) + 900) * 1000,
      issuer: 'confer',
    });
  });

  it('fetches the keys once and reuses them', async () => {
    await verifier.verify(await token(current));
    await verifier.verify(await token(current));

    expect(source.fetches).toBe(1);
  });

  it('answers auth.token_expired for an expired token', async () => {
    const error = await failureOf(
      verifier.verify(await token(current, { exp: seconds(NOW) - 10 })),
    );

    expect(error.code).toBe('auth.token_expired');
  });

  it('tolerates a few seconds of clock skew at expiry', async () => {
    await expect(
      verifier.verify(await token(current, { exp: seconds(NOW) - 3 })),
    ).resolves.toBeDefined();
  });

  it('refuses a token that is not yet valid', async () => {
    const error = await failureOf(
      verifier.verify(await token(current, { nbf: seconds(NOW) + 60 })),
    );

    expect(error.code).toBe('auth.token_invalid');
  });

  it.each([
    ['issuer', { iss: 'https://elsewhere.test' }],
    ['audience', { aud: 'another-api' }],
  ])('refuses a token with the wrong %s', async (_claim, overrides) => {
    const error = await failureOf(verifier.verify(await token(current, overrides)));

    expect(error.code).toBe('auth.token_invalid');
  });

  it('refuses a tampered token', async () => {
    const [header, payload, signature] = (await token(current)).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    const forged = Buffer.from(
      JSON.stringify({ ...claims, roles: ['org_admin', 'system'] }),
    ).toString('base64url');
    const error = await failureOf(verifier.verify(`${header}.${forged}.${signature}`));

    expect(error.code).toBe('auth.token_invalid');
  });

  it('refuses an unsigned token (alg none)', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({
        sub: USER_ID,
        org: ORG_ID,
        iss: ISSUER,
        aud: AUDIENCE,
        exp: seconds(NOW) + 60,
      }),
    ).toString('base64url');
    const error = await failureOf(verifier.verify(`${header}.${payload}.`));

    expect(error.code).toBe('auth.token_invalid');
  });

  it('refuses garbage with auth.token_invalid', async () => {
    const error = await failureOf(verifier.verify('not-a-jwt'));

    expect(error.code).toBe('auth.token_invalid');
  });

  it('picks up a rotated key when a token names an unknown kid', async () => {
    await verifier.verify(await token(current));
    const next = await signingKey('key-2');
    source.keys = [current.jwk, next.jwk];
    now += 60_000;

    await expect(verifier.verify(await token(next))).resolves.toMatchObject({ userId: USER_ID });
    expect(source.fetches).toBe(2);
  });

  it('refreshes for unknown kids at most once per interval', async () => {
    const stranger = await signingKey('key-unknown');
    await verifier.verify(await token(current));
    now += 60_000;
    const first = await failureOf(verifier.verify(await token(stranger)));
    const second = await failureOf(verifier.verify(await token(stranger)));

    expect(first.code).toBe('auth.token_invalid');
    expect(second.code).toBe('auth.token_invalid');
    expect(source.fetches).toBe(2);
  });

  it('tries the issuer again after a failed key fetch', async () => {
    const flaky = new FakeJwksSource([current.jwk]);
    const fetch = flaky.fetch.bind(flaky);
    let failNext = true;
    flaky.fetch = async () => {
      if (failNext) {
        failNext = false;
        throw new Error('auth-2fa is down');
      }

      return fetch();
    };
    const retrying = new BuiltInTokenVerifier(
      flaky,
      { clockToleranceSeconds: 5, refreshIntervalMs: 30_000 },
      () => now,
    );

    await expect(retrying.verify(await token(current))).rejects.toThrow('auth-2fa is down');
    await expect(retrying.verify(await token(current))).resolves.toBeDefined();
  });
});
