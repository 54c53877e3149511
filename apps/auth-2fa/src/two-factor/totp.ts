import { createHmac, timingSafeEqual } from 'node:crypto';

/** The hash behind the HMAC (RFC 6238 section 1.2 allows SHA-1, SHA-256 and SHA-512). */
export type TotpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

export interface TotpParameters {
  /** Seconds per time step (X in RFC 6238 section 4.1). */
  period: number;
  digits: number;
  algorithm: TotpAlgorithm;
}

/** What Confer's codes are: what every authenticator app supports (RFC 6238 defaults). */
export const PRODUCT_TOTP: Omit<TotpParameters, 'period'> = { digits: 6, algorithm: 'SHA1' };

/** The time step a moment falls in (T in RFC 6238 section 4.2, with T0 = 0). */
export function timeStep(unixSeconds: number, period: number): number {
  return Math.floor(unixSeconds / period);
}

/** HOTP (RFC 4226 section 5.3) of one counter value: HMAC, dynamic truncation, modulo 10^digits. */
export function hotp(
  secret: Buffer,
  counter: number,
  digits: number,
  algorithm: TotpAlgorithm,
): string {
  const message = Buffer.alloc(8);
  // Counters past 2^32 occur in the vectors (year 2603): write both halves explicitly.
  message.writeUInt32BE(Math.floor(counter / 2 ** 32), 0);
  message.writeUInt32BE(counter % 2 ** 32, 4);
  const mac = createHmac(algorithm.toLowerCase(), secret).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;

  return binary.toString().padStart(digits, '0');
}

/** The code for a moment. */
export function totp(secret: Buffer, unixSeconds: number, parameters: TotpParameters): string {
  return hotp(
    secret,
    timeStep(unixSeconds, parameters.period),
    parameters.digits,
    parameters.algorithm,
  );
}

/**
 * The time step whose code matches, looking `drift` steps either side of now
 * (RFC 6238 section 5.2), or undefined. Every candidate is compared, in
 * constant time, so the answer's timing says nothing about which one matched.
 */
export function matchingStep(
  secret: Buffer,
  code: string,
  unixSeconds: number,
  parameters: TotpParameters & { drift: number },
): number | undefined {
  const given = Buffer.from(code, 'utf8');
  const current = timeStep(unixSeconds, parameters.period);
  let matched: number | undefined;
  for (let step = current - parameters.drift; step <= current + parameters.drift; step += 1) {
    const expected = Buffer.from(
      hotp(secret, step, parameters.digits, parameters.algorithm),
      'utf8',
    );
    if (
      expected.length === given.length &&
      timingSafeEqual(expected, given) &&
      matched === undefined
    ) {
      matched = step;
    }
  }

  return matched;
}

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding, as authenticator apps read `secret=` in otpauth URIs. */
export function base32Encode(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let output = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      output += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) {
    output += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  }

  return output;
}

/** Reads base32 (any case, padding and spaces ignored); throws on a foreign character. */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of clean) {
    const index = BASE32_ALPHABET.indexOf(char);
    if (index < 0) {
      throw new RangeError('not base32');
    }
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }

  return Buffer.from(bytes);
}
