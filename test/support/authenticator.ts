import { base32Decode, hotp, PRODUCT_TOTP } from '@confer/auth-2fa/dist/two-factor/totp';

/**
 * The mobile app's side of two-factor sign-in, as a spec drives it: reads the
 * otpauth:// URI of the enrolment QR code (secret, period, Confer's binding
 * token) and shows codes computed by auth-2fa's own built TOTP (six digits,
 * HMAC-SHA-1), whose unit tests hold it to the RFC 6238 appendix B vectors.
 */
export class Authenticator {
  private lastStep = -1;

  private constructor(
    readonly secret: Buffer,
    readonly period: number,
    /** The one-time token that binds the app to the account. */
    readonly bindingToken: string,
    /** `Issuer:account` as the app would list it. */
    readonly label: string,
    readonly issuer: string,
  ) {}

  /** Scans the QR code's text. */
  static fromUri(uri: string): Authenticator {
    const url = new URL(uri);
    if (url.protocol !== 'otpauth:' || url.host !== 'totp') {
      throw new Error(`not a TOTP URI: ${url.protocol}//${url.host}`);
    }
    const params = url.searchParams;

    return new Authenticator(
      base32Decode(params.get('secret') ?? ''),
      Number(params.get('period') ?? '30'),
      params.get('binding') ?? '',
      decodeURIComponent(url.pathname.replace(/^\/+/, '')),
      params.get('issuer') ?? '',
    );
  }

  /** The code of one time step. */
  codeAt(step: number): string {
    return hotp(this.secret, step, PRODUCT_TOTP.digits, PRODUCT_TOTP.algorithm);
  }

  stepAt(ms: number): number {
    return Math.floor(ms / 1000 / this.period);
  }

  /**
   * A code the server accepts (it allows a step either side of its clock and
   * each step once) and this app has not shown before: the step before now
   * (only well inside the current step, in case the server's clock is ahead),
   * now or the next; when all three are spent, waits for the next step.
   */
  async nextCode(): Promise<string> {
    for (;;) {
      const now = Date.now();
      const step = this.stepAt(now);
      const intoStep = now / 1000 - step * this.period;
      const earliest = intoStep < this.period - 3 ? step - 1 : step;
      const candidate = Math.max(earliest, this.lastStep + 1);
      if (candidate <= step + 1) {
        this.lastStep = candidate;

        return this.codeAt(candidate);
      }
      await new Promise((resolve) =>
        setTimeout(resolve, ((step + 1) * this.period - now / 1000) * 1000 + 50),
      );
    }
  }

  /** Six digits that are the code of no step around now. */
  wrongCode(): string {
    const step = this.stepAt(Date.now());
    const near = [-2, -1, 0, 1, 2].map((offset) => this.codeAt(step + offset));

    return ['000000', '111111', '222222'].find((value) => !near.includes(value))!;
  }
}
