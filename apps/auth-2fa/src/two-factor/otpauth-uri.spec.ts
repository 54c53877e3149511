import { otpauthUri, OtpauthParameters } from './otpauth-uri';

const base: OtpauthParameters = {
  issuer: 'Confer',
  account: 'alice@example.com',
  secret: 'JBSWY3DPEHPK3PXP',
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
  binding: 'b1nd-_token',
};

describe(otpauthUri.name, () => {
  it('writes the Key Uri Format with the issuer as label prefix and parameter', () => {
    expect(otpauthUri(base)).toBe(
      'otpauth://totp/Confer:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Confer' +
        '&algorithm=SHA1&digits=6&period=30&binding=b1nd-_token',
    );
  });

  it('encodes a space as %20 everywhere, never as +, and escapes the label separator', () => {
    const uri = otpauthUri({ ...base, issuer: 'Confer Cloud & Co: EU' });

    expect(uri).toContain('/Confer%20Cloud%20%26%20Co%3A%20EU:alice%40example.com?');
    expect(uri).toContain('&issuer=Confer%20Cloud%20%26%20Co%3A%20EU&');
    expect(uri).not.toContain('+');
  });

  it('keeps an address with +, an apostrophe, non-ASCII letters or & one readable account', () => {
    const account = "o'brien+2fa&x=y@bücher.example";
    const url = new URL(otpauthUri({ ...base, account, issuer: 'A+B' }));

    expect(decodeURIComponent(url.pathname.replace(/^\/+/, ''))).toBe(`A+B:${account}`);
    expect(url.searchParams.get('issuer')).toBe('A+B');
    expect([...url.searchParams.keys()]).toEqual([
      'secret',
      'issuer',
      'algorithm',
      'digits',
      'period',
      'binding',
    ]);
  });
});
