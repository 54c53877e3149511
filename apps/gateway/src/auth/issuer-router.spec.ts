import { SignJWT } from 'jose';

import { ConferError } from '@confer/errors';

import { IssuerRouter } from './issuer-router';
import { TokenVerifier, VerifiedToken } from './token-verifier';

const REALM = 'https://sso.corp.example/realms/corp';

/** Records the tokens it was asked to verify and answers with its issuer. */
class RecordingVerifier implements TokenVerifier {
  readonly seen: string[] = [];

  constructor(
    private readonly issuer: VerifiedToken['issuer'],
    private readonly expiresAt = 60_000,
  ) {}

  async verify(token: string): Promise<VerifiedToken> {
    this.seen.push(token);

    return {
      userId: 'u',
      orgId: 'o',
      roles: [],
      sessionId: 's',
      expiresAt: this.expiresAt,
      issuer: this.issuer,
    };
  }
}

/** An unsigned-looking token with this `iss`: routing never checks signatures. */
function tokenFrom(iss: string | undefined): Promise<string> {
  const claims = iss === undefined ? {} : { iss };

  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode('routing-only-key-routing-only-key'));
}

describe(IssuerRouter.name, () => {
  let builtIn: RecordingVerifier;
  let keycloak: RecordingVerifier;
  let router: IssuerRouter;
  const now = { value: 0 };

  beforeEach(() => {
    builtIn = new RecordingVerifier('confer');
    keycloak = new RecordingVerifier('keycloak');
    router = new IssuerRouter(builtIn, [{ issuer: REALM, verifier: keycloak }], {
      builtInCacheEntries: 2,
      now: () => now.value,
    });
  });

  it('sends a token of the configured realm to its verifier only', async () => {
    const token = await tokenFrom(REALM);

    await expect(router.verify(token)).resolves.toMatchObject({ issuer: 'keycloak' });
    expect(keycloak.seen).toEqual([token]);
    expect(builtIn.seen).toEqual([]);
  });

  it('sends every other token to the built-in verifier only', async () => {
    const tokens = await Promise.all([
      tokenFrom('https://confer.test/issuer'),
      tokenFrom(`${REALM}/`),
      tokenFrom(undefined),
    ]);

    for (const token of tokens) {
      await expect(router.verify(token)).resolves.toMatchObject({ issuer: 'confer' });
    }
    expect(builtIn.seen).toEqual(tokens);
    expect(keycloak.seen).toEqual([]);
  });

  it('remembers a verified built-in token until it expires', async () => {
    const token = await tokenFrom('https://confer.test/issuer');

    await router.verify(token);
    now.value = 59_999;
    await router.verify(token);
    now.value = 60_000;
    await router.verify(token);

    expect(builtIn.seen).toEqual([token, token]);
    now.value = 0;
  });

  it('never remembers a refusal', async () => {
    const refusing: TokenVerifier = {
      verify: jest.fn(async () => {
        throw new ConferError('unauthenticated', 'auth.token_invalid', 'no');
      }),
    };
    const plain = new IssuerRouter(refusing, [], { builtInCacheEntries: 10 });

    await expect(plain.verify('t')).rejects.toMatchObject({ code: 'auth.token_invalid' });
    await expect(plain.verify('t')).rejects.toMatchObject({ code: 'auth.token_invalid' });
    expect(refusing.verify).toHaveBeenCalledTimes(2);
  });

  it('remembers at most the configured number of tokens, dropping the oldest', async () => {
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((iss) => tokenFrom(iss)));

    for (const token of [a, b, c, c, a]) {
      await router.verify(token);
    }

    expect(builtIn.seen).toEqual([a, b, c, a]);
  });

  it('refuses a token it cannot decode without asking either verifier', async () => {
    const refusal = router.verify('not.a.jwt');

    await expect(refusal).rejects.toBeInstanceOf(ConferError);
    await expect(refusal).rejects.toMatchObject({ code: 'auth.token_invalid' });
    expect([...builtIn.seen, ...keycloak.seen]).toEqual([]);
  });

  it('leaves every token to the built-in verifier when no realm is configured', async () => {
    const plain = new IssuerRouter(builtIn, [], { builtInCacheEntries: 10 });

    await plain.verify('anything');

    expect(builtIn.seen).toEqual(['anything']);
  });
});
