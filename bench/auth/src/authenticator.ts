import {
  base32Decode as productBase32Decode,
  hotp,
  PRODUCT_TOTP,
} from '@confer/auth-2fa/dist/two-factor/totp';

/**
 * The Confer app's side of two-factor sign-in, simulated: it reads the
 * otpauth:// URI the enrolment QR code carries (secret, period, binding
 * token) and shows codes computed by auth-2fa's own TOTP (six digits,
 * HMAC-SHA-1), whose unit tests hold it to the RFC 6238 appendix B vectors.
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
    return hotp(this.secret, step, PRODUCT_TOTP.digits, PRODUCT_TOTP.algorithm);
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
  try {
    return productBase32Decode(text);
  } catch {
    throw new Error('the secret is not base32');
  }
}
