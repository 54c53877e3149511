import { createHash, randomBytes } from 'node:crypto';

/** 256 bits from the CSPRNG, so a refresh token cannot be guessed. */
const TOKEN_BYTES = 32;

/** A new opaque refresh token: 43 characters of base64url. */
export function newRefreshToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/**
 * What is stored instead of the token: its SHA-256. The token is random and
 * long, so a plain hash suffices (no salt or slow hash needed), and a stolen
 * table yields nothing that refreshes.
 */
export function refreshTokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Whether a presented string can be a refresh token at all: anything else is refused unread. */
export function isRefreshTokenShape(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}
