import { randomBytes, scrypt, ScryptOptions, timingSafeEqual } from 'node:crypto';

/** scrypt's cost parameters, stored beside each hash so they can be raised later. */
export interface ScryptParameters {
  /** N: CPU and memory cost, a power of two. */
  cost: number;
  /** r */
  blockSize: number;
  /** p */
  parallelism: number;
}

export interface PasswordHash extends ScryptParameters {
  hash: Buffer;
  salt: Buffer;
}

/**
 * N = 2^15, r = 8, p = 1: about 32 MiB and tens of milliseconds per hash, the
 * interactive-login setting RFC 7914 section 2 and OWASP suggest.
 */
export const CURRENT_PARAMETERS: ScryptParameters = { cost: 2 ** 15, blockSize: 8, parallelism: 1 };

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 256;

const KEY_LENGTH = 64;
const SALT_LENGTH = 16;

/** Whether a password may be set: 8 to 256 characters (code points, after NFC). */
export function isAcceptablePassword(password: string): boolean {
  const length = [...password.normalize('NFC')].length;

  return length >= MIN_PASSWORD_LENGTH && length <= MAX_PASSWORD_LENGTH;
}

/** Hashes with a fresh random salt. The password is NFC-normalised first, as RFC 8265 asks. */
export async function hashPassword(
  password: string,
  parameters: ScryptParameters = CURRENT_PARAMETERS,
): Promise<PasswordHash> {
  const salt = randomBytes(SALT_LENGTH);
  const hash = await derive(password, salt, parameters);

  return { hash, salt, ...parameters };
}

/** Compares in constant time with the stored hash, using the parameters stored with it. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const candidate = await derive(password, stored.salt, stored);

  return candidate.length === stored.hash.length && timingSafeEqual(candidate, stored.hash);
}

function derive(password: string, salt: Buffer, parameters: ScryptParameters): Promise<Buffer> {
  const options: ScryptOptions = {
    N: parameters.cost,
    r: parameters.blockSize,
    p: parameters.parallelism,
    // scrypt needs 128 * N * r bytes; Node's 32 MiB default is exactly that for N = 2^15.
    maxmem: 256 * parameters.cost * parameters.blockSize,
  };

  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}
