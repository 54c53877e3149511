import { createHmac } from 'node:crypto';

/**
 * The Confer app's side of two-factor sign-in, simulated: it reads the
 * otpauth:// URI the enrolment QR code carries (secret, period, binding
 * token) and computes codes as an authenticator app does (RFC 6238 over
 * RFC 4226: HMAC-SHA-1, dynamic truncation, six digits). Written apart from
 * the product's own TOTP, so a mistake in one does not hide in the other.
 */
export class Authenticator {
  /** The last time step whose code was shown; the server takes each step once. */
  lastStep = -1;

  private constructor(
    readonly secret: Buffer,
    readonly period: number,
    readonly bindingToken: string,
  ) {}

  static fromUri(uri: string): Authenticator {
    const url = new URL(uri);
    if (url.protocol !== 'otpauth:' || url.host !== 'totp') {
      throw new Error(`not a TOTP URI: ${url.protocol}//${url.host}`);
    }
    const params = url.searchParams;
    const secret = base32Decode(params.get('secret') ?? '');
    if (secret.length === 0) {
      throw new Error('the TOTP URI has no secret');
    }

    return new Authenticator(
      secret,
      Number(params.get('period') ?? '30'),
      params.get('binding') ?? '',
    );
  }

  static fromSecret(secret: Buffer, period: number): Authenticator {
    return new Authenticator(secret, period, '');
  }

  stepAt(ms: number): number {
    return Math.floor(ms / 1000 / this.period);
  }

  codeAt(step: number): string {
    const counter = Buffer.alloc(8);
    counter.writeUInt32BE(Math.floor(step / 2 ** 32), 0);
    counter.writeUInt32BE(step % 2 ** 32, 4);
    const mac = createHmac('sha1', this.secret).update(counter).digest();
    const offset = mac[mac.length - 1] & 0x0f;

    return ((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).toString().padStart(6, '0');
  }

  /** The current step's code, spending the step; undefined when this step was already spent. */
  takeCurrentCode(now = Date.now()): string | undefined {
    const step = this.stepAt(now);
    if (step <= this.lastStep) {
      return undefined;
    }
    this.lastStep = step;

    return this.codeAt(step);
  }

  /** Milliseconds until the next step starts. */
  msToNextStep(now = Date.now()): number {
    return (this.stepAt(now) + 1) * this.period * 1000 - now;
  }
}

/** RFC 4648 base32, as otpauth URIs carry secrets (upper case, padding optional). */
export function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of text.replace(/=+$/, '').toUpperCase()) {
    const value = alphabet.indexOf(char);
    if (value < 0) {
      throw new Error('the secret is not base32');
    }
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }

  return Buffer.from(bytes);
}
