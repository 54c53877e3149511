import { isIP } from 'node:net';

import { MAIL_TLS_MODES, MailTlsMode } from './mail-domain.entity';
import { MailDomainError } from './mail-domains.errors';

/** A domain's mail server settings as an administrator sends them. */
export interface MailDomainInput {
  domain: string;
  host: string;
  port: number;
  tls: string;
  rejectUnauthorized: boolean;
}

export interface ValidMailDomain {
  domain: string;
  host: string;
  port: number;
  tls: MailTlsMode;
  rejectUnauthorized: boolean;
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Lower case with at least two labels of letters, digits and inner hyphens (RFC 1123 2.1). */
export function normaliseDomain(value: string): string | undefined {
  const domain = value.trim().toLowerCase();
  const labels = domain.split('.');
  if (domain.length > 253 || labels.length < 2 || !labels.every((label) => LABEL.test(label))) {
    return undefined;
  }

  return domain;
}

/** Checks every field, refusing the first bad one with mail.domain_invalid naming it. */
export function validateMailDomain(input: MailDomainInput): ValidMailDomain {
  const domain = normaliseDomain(input.domain);
  if (!domain) {
    throw MailDomainError.invalid('domain', 'The domain must be a DNS name such as example.com.');
  }
  const host = input.host.trim().toLowerCase();
  if (!host || (isIP(host) === 0 && !isHostName(host))) {
    throw MailDomainError.invalid(
      'host',
      'The host must be a DNS name or an IP address of the mail server.',
    );
  }
  if (!Number.isInteger(input.port) || input.port < 1 || input.port > 65535) {
    throw MailDomainError.invalid('port', 'The port must be a whole number from 1 to 65535.');
  }
  if (!(MAIL_TLS_MODES as readonly string[]).includes(input.tls)) {
    throw MailDomainError.invalid('tls', `TLS must be one of ${MAIL_TLS_MODES.join(', ')}.`);
  }

  return {
    domain,
    host,
    port: input.port,
    tls: input.tls as MailTlsMode,
    rejectUnauthorized: input.rejectUnauthorized,
  };
}

function isHostName(host: string): boolean {
  const labels = host.split('.');

  return host.length <= 253 && labels.every((label) => LABEL.test(label));
}
