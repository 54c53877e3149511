import { randomBytes } from 'node:crypto';

import { parseSecretKeys, SecretCipher, UnknownSecretKeyError } from './secret-cipher';

const key = (id: string) => ({ id, key: randomBytes(32) });
const USER = '6f1d8a52-4f5e-4c39-9a43-1e6f0d2b7c11';

describe(SecretCipher.name, () => {
  const secret = randomBytes(20);

  it('opens what it sealed, and the sealed form does not contain the secret', () => {
    const cipher = new SecretCipher([key('k1')]);
    const sealed = cipher.seal(secret, USER);

    expect(sealed.keyId).toBe('k1');
    expect(sealed.sealed.includes(secret)).toBe(false);
    expect(cipher.open(sealed, USER).equals(secret)).toBe(true);
  });

  it('uses a fresh nonce each time', () => {
    const cipher = new SecretCipher([key('k1')]);

    expect(cipher.seal(secret, USER).sealed.equals(cipher.seal(secret, USER).sealed)).toBe(false);
  });

  it('refuses a tampered row and a row moved to another user', () => {
    const cipher = new SecretCipher([key('k1')]);
    const sealed = cipher.seal(secret, USER);
    const tampered = Buffer.from(sealed.sealed);
    tampered[tampered.length - 1] ^= 1;

    expect(() => cipher.open({ ...sealed, sealed: tampered }, USER)).toThrow();
    expect(() => cipher.open(sealed, '00000000-0000-0000-0000-000000000001')).toThrow();
  });

  describe('key rotation', () => {
    const old = key('2025');
    const fresh = key('2026');

    it('opens rows under an older key and seals new ones under the first key', () => {
      const before = new SecretCipher([old]).seal(secret, USER);
      const rotated = new SecretCipher([fresh, old]);

      expect(rotated.open(before, USER).equals(secret)).toBe(true);
      expect(rotated.needsReseal(before)).toBe(true);

      const resealed = rotated.seal(rotated.open(before, USER), USER);

      expect(resealed.keyId).toBe('2026');
      expect(rotated.needsReseal(resealed)).toBe(false);
      expect(new SecretCipher([fresh]).open(resealed, USER).equals(secret)).toBe(true);
    });

    it('names the missing key when a row was sealed under a key no longer configured', () => {
      const before = new SecretCipher([old]).seal(secret, USER);

      expect(() => new SecretCipher([fresh]).open(before, USER)).toThrow(UnknownSecretKeyError);
    });
  });
});

describe(parseSecretKeys.name, () => {
  const b64 = randomBytes(32).toString('base64');

  it('reads several keys, the first one first', () => {
    const parsed = parseSecretKeys(`new:${b64}, old:${randomBytes(32).toString('base64')}`);

    expect('keys' in parsed && parsed.keys.map((entry) => entry.id)).toEqual(['new', 'old']);
  });

  it('lists every problem: bad form, short key, repeated id', () => {
    const parsed = parseSecretKeys(
      `nocolon, short:${randomBytes(16).toString('base64')}, a:${b64}, a:${b64}`,
    );

    expect('problems' in parsed && parsed.problems).toEqual([
      expect.stringContaining('id:base64'),
      expect.stringContaining('short must be 32 bytes'),
      expect.stringContaining('a appears twice'),
    ]);
  });
});
