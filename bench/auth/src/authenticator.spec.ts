import { Authenticator, base32Decode } from './authenticator';

// RFC 6238 appendix B, SHA-1 rows: the 20-byte ASCII secret "12345678901234567890",
// 30-second steps, the last six of the eight digits shown there.
const RFC_SECRET = Buffer.from('12345678901234567890', 'ascii');
const RFC_ROWS: Array<[number, string]> = [
  [59, '287082'],
  [1111111109, '081804'],
  [1111111111, '050471'],
  [1234567890, '005924'],
  [2000000000, '279037'],
  [20000000000, '353130'],
];

describe('Authenticator', () => {
  it.each(RFC_ROWS)('shows the RFC 6238 code at %i s', (seconds, code) => {
    const app = Authenticator.fromSecret(RFC_SECRET, 30);

    expect(app.codeAt(app.stepAt(seconds * 1000))).toBe(code);
  });

  it('reads the secret, period and binding token from the QR code URI', () => {
    const app = Authenticator.fromUri(
      'otpauth://totp/Confer:a%40b.example?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Confer&period=15&binding=tok',
    );

    expect(app.secret).toEqual(RFC_SECRET);
    expect(app.period).toBe(15);
    expect(app.bindingToken).toBe('tok');
  });

  it('refuses a URI that is not a TOTP one or has no secret', () => {
    expect(() => Authenticator.fromUri('otpauth://hotp/x?secret=GEZDGNBV')).toThrow(/not a TOTP/);
    expect(() => Authenticator.fromUri('otpauth://totp/x?period=30')).toThrow(/no secret/);
    expect(() => base32Decode('not base32!')).toThrow(/base32/);
  });

  it('spends each time step once, as the server accepts it once', () => {
    const app = Authenticator.fromSecret(RFC_SECRET, 30);
    const now = 1_700_000_020_000; // 10 s into a step

    expect(app.takeCurrentCode(now)).toBe(app.codeAt(app.stepAt(now)));
    expect(app.takeCurrentCode(now + 5_000)).toBeUndefined();
    expect(app.msToNextStep(now)).toBe(20_000);
    expect(app.takeCurrentCode(now + 20_000)).toBe(app.codeAt(app.stepAt(now) + 1));
  });
});
