import { createHmac } from 'node:crypto';

/**
 * The mobile app's side of two-factor sign-in, as a spec drives it: reads the
 * otpauth:// URI of the enrolment QR code (secret, period, Confer's binding
 * token) and shows codes the way an authenticator app computes them (RFC 6238
 * over RFC 4226: HMAC-SHA-1, dynamic truncation, six digits), written here
 * independently of the product's own implementation.
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
    const counter = Buffer.alloc(8);
    counter.writeUInt32BE(Math.floor(step / 2 ** 32), 0);
    counter.writeUInt32BE(step % 2 ** 32, 4);
    const mac = createHmac('sha1', this.secret).update(counter).digest();
    const offset = mac[mac.length - 1] & 0x0f;

    return ((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).toString().padStart(6, '0');
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

/** RFC 4648 base32, as otpauth URIs carry secrets (upper case, padding optional). */
function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of text.replace(/=+$/, '').toUpperCase()) {
    const value = alphabet.indexOf(char);
    if (value < 0) {
      throw new Error('the secret is not base32');
    }
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }

  return Buffer.from(bytes);
}
