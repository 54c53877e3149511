import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  base32Decode,
  base32Encode,
  matchingStep,
  PRODUCT_TOTP,
  totp,
  TotpAlgorithm,
} from './totp';

interface Vectors {
  step_seconds: number;
  digits: number;
  seeds_ascii: Record<TotpAlgorithm, string>;
  vectors: ({ unix_time: number } & Record<TotpAlgorithm, string>)[];
}

const FIXTURE = join(__dirname, '..', '..', 'test', 'fixtures', 'totp', 'rfc6238-appendix-b.json');
const RFC: Vectors = JSON.parse(readFileSync(FIXTURE, 'utf8'));
const ALGORITHMS: TotpAlgorithm[] = ['SHA1', 'SHA256', 'SHA512'];

describe('TOTP (RFC 6238)', () => {
  describe('appendix B vectors', () => {
    const cases = RFC.vectors.flatMap((vector) =>
      ALGORITHMS.map((algorithm) => ({
        algorithm,
        time: vector.unix_time,
        expected: vector[algorithm],
      })),
    );

    it.each(cases)('$algorithm at $time gives $expected', ({ algorithm, time, expected }) => {
      const secret = Buffer.from(RFC.seeds_ascii[algorithm], 'ascii');

      expect(totp(secret, time, { period: RFC.step_seconds, digits: RFC.digits, algorithm })).toBe(
        expected,
      );
    });
  });

  describe(matchingStep.name, () => {
    const secret = Buffer.from('12345678901234567890', 'ascii');
    const parameters = { ...PRODUCT_TOTP, period: 30, drift: 1 };
    const now = 1_700_000_000;
    const codeAt = (time: number) => totp(secret, time, { ...PRODUCT_TOTP, period: 30 });

    it('accepts the current code and names its step', () => {
      expect(matchingStep(secret, codeAt(now), now, parameters)).toBe(Math.floor(now / 30));
    });

    it('accepts the code of one step before and one step after', () => {
      expect(matchingStep(secret, codeAt(now - 30), now, parameters)).toBe(
        Math.floor(now / 30) - 1,
      );
      expect(matchingStep(secret, codeAt(now + 30), now, parameters)).toBe(
        Math.floor(now / 30) + 1,
      );
    });

    it('refuses codes two steps away either side', () => {
      expect(matchingStep(secret, codeAt(now - 60), now, parameters)).toBeUndefined();
      expect(matchingStep(secret, codeAt(now + 60), now, parameters)).toBeUndefined();
    });

    it('refuses a wrong code and one of the wrong length', () => {
      const right = codeAt(now);
      const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');

      expect(matchingStep(secret, wrong, now, parameters)).toBeUndefined();
      expect(matchingStep(secret, `${right}0`, now, parameters)).toBeUndefined();
      expect(matchingStep(secret, '', now, parameters)).toBeUndefined();
    });

    it('follows a 60-second period when configured', () => {
      const sixty = { ...PRODUCT_TOTP, period: 60 };
      const code = totp(secret, now, sixty);

      expect(matchingStep(secret, code, now + 60, { ...sixty, drift: 1 })).toBe(
        Math.floor(now / 60),
      );
      expect(matchingStep(secret, code, now + 120, { ...sixty, drift: 1 })).toBeUndefined();
    });

    it('gives six digits for the product', () => {
      expect(codeAt(now)).toMatch(/^\d{6}$/);
    });
  });

  describe('base32', () => {
    it('encodes RFC 4648 test strings without padding', () => {
      expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
      expect(base32Encode(Buffer.from('f'))).toBe('MY');
    });

    it('reads back what it wrote, in any case and with padding', () => {
      const bytes = Buffer.from('12345678901234567890', 'ascii');

      expect(base32Decode(base32Encode(bytes)).equals(bytes)).toBe(true);
      expect(base32Decode('mzxw6ytboi======').toString()).toBe('foobar');
    });

    it('refuses characters outside the alphabet', () => {
      expect(() => base32Decode('MZXW1')).toThrow(RangeError);
    });
  });
});
