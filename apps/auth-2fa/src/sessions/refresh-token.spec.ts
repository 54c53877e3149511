import { isRefreshTokenShape, newRefreshToken, refreshTokenHash } from './refresh-token';

describe(newRefreshToken.name, () => {
  it('makes 256-bit base64url tokens, a different one each time', () => {
    const tokens = new Set(Array.from({ length: 100 }, () => newRefreshToken()));

    expect(tokens.size).toBe(100);
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
      expect(isRefreshTokenShape(token)).toBe(true);
    }
  });
});

describe(refreshTokenHash.name, () => {
  it('is the SHA-256 of the token, the same for the same token', () => {
    const token = newRefreshToken();

    expect(refreshTokenHash(token)).toHaveLength(32);
    expect(refreshTokenHash(token).equals(refreshTokenHash(token))).toBe(true);
    expect(refreshTokenHash(token).equals(refreshTokenHash(newRefreshToken()))).toBe(false);
  });

  it('matches a known SHA-256 value', () => {
    expect(refreshTokenHash('abc').toString('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});

describe(isRefreshTokenShape.name, () => {
  it.each([
    '',
    'short',
    'a'.repeat(42),
    'a'.repeat(44),
    `${'a'.repeat(42)}=`,
    `${'a'.repeat(42)}+`,
  ])('refuses %j', (token) => {
    expect(isRefreshTokenShape(token)).toBe(false);
  });
});
