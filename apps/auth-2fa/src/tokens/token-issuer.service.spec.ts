import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  jwtVerify,
} from 'jose';

import { loadAuthConfig } from '../config';
import { SigningKeysService } from '../signing-keys/signing-keys.service';
import { TokenIssuerService } from './token-issuer.service';

describe(TokenIssuerService.name, () => {
  const config = loadAuthConfig({ AUTH_ISSUER: 'test-issuer', ACCESS_TOKEN_TTL_SECONDS: '600' });
  const subject = { userId: 'user-1', orgId: 'org-1', roles: ['org_admin'], sessionId: 's-1' };
  let issuer: TokenIssuerService;
  let jwks: ReturnType<typeof createLocalJWKSet>;
  let kid: string;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = await exportJWK(publicKey);
    kid = await calculateJwkThumbprint(jwk, 'sha256');
    jwks = createLocalJWKSet({ keys: [{ ...jwk, kid, alg: 'RS256', use: 'sig' }] });
    const signingKeys = { activeKey: async () => ({ kid, privateKey }) };
    issuer = new TokenIssuerService(signingKeys as unknown as SigningKeysService, config);
  });

  it('signs tokens that verify against the JWKS with the configured issuer and audience', async () => {
    const { accessToken, expiresIn } = await issuer.issue(subject);
    const { payload, protectedHeader } = await jwtVerify(accessToken, jwks, {
      issuer: 'test-issuer',
      audience: 'confer-api',
      algorithms: ['RS256'],
    });

    expect(expiresIn).toBe(600);
    expect(protectedHeader).toMatchObject({ alg: 'RS256', kid, typ: 'JWT' });
    expect(payload).toMatchObject({ sub: 'user-1', org: 'org-1', roles: ['org_admin'] });
    expect(payload.exp! - payload.iat!).toBe(600);
  });

  it("carries the session's id in sid and gives every token its own token id", async () => {
    const first = await issuer.issue(subject);
    const second = await issuer.issue(subject);
    const claims = await Promise.all(
      [first, second].map(async (token) => (await jwtVerify(token.accessToken, jwks)).payload),
    );

    expect(first.sessionId).toBe('s-1');
    expect(claims[0].sid).toBe('s-1');
    expect(claims[1].sid).toBe('s-1');
    expect(claims[0].jti).toEqual(expect.any(String));
    expect(claims[0].jti).not.toBe(claims[1].jti);
  });

  it('marks the token of a session that owes its second factor, with the methods so far', async () => {
    const { accessToken } = await issuer.issue({ ...subject, amr: ['pwd'], mfa: 'pending' });
    const { payload } = await jwtVerify(accessToken, jwks);

    expect(payload).toMatchObject({ amr: ['pwd'], mfa: 'pending' });
  });

  it('leaves mfa out once nothing is owed', async () => {
    const { accessToken } = await issuer.issue({ ...subject, amr: ['pwd', 'otp'] });
    const { payload } = await jwtVerify(accessToken, jwks);

    expect(payload.amr).toEqual(['pwd', 'otp']);
    expect(payload).not.toHaveProperty('mfa');
  });

  it('is refused by a verifier expecting another audience', async () => {
    const { accessToken } = await issuer.issue(subject);

    expect(decodeProtectedHeader(accessToken).kid).toBe(kid);
    await expect(jwtVerify(accessToken, jwks, { audience: 'another-api' })).rejects.toThrow();
  });

  it('stops verifying after its expiry', async () => {
    const issuedLongAgo = new Date(Date.now() - 601_000);
    const { accessToken } = await issuer.issue(subject, issuedLongAgo);

    await expect(jwtVerify(accessToken, jwks)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
  });
});
