/** What the enrolment QR code tells the app. */
export interface OtpauthParameters {
  issuer: string;
  /** The person's address, as the app lists the account. */
  account: string;
  /** Base32, as the Key Uri Format wants it. */
  secret: string;
  algorithm: string;
  digits: number;
  period: number;
  /** Confer's own parameter: the one-time token the app presents to bind itself. */
  binding: string;
}

/**
 * otpauth://totp/ISSUER:ACCOUNT?secret=..&issuer=..&algorithm=..&digits=..&period=..&binding=..
 * in the Key Uri Format authenticator apps read. Every part is percent-encoded
 * (a space is %20, never the form encoding's `+`, which apps show as a plus
 * sign), and the label's issuer prefix and the `issuer` parameter are the same
 * text, as the format asks.
 */
export function otpauthUri(parameters: OtpauthParameters): string {
  const query = [
    ['secret', parameters.secret],
    ['issuer', parameters.issuer],
    ['algorithm', parameters.algorithm],
    ['digits', String(parameters.digits)],
    ['period', String(parameters.period)],
    ['binding', parameters.binding],
  ]
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('&');
  const label = `${encodeURIComponent(parameters.issuer)}:${encodeURIComponent(parameters.account)}`;

  return `otpauth://totp/${label}?${query}`;
}
