import { X509Certificate } from 'node:crypto';

import { FilterParser } from 'ldapts';

import { AttributeMap, DEFAULT_ATTRIBUTE_MAP, parseAttributeMap } from './ldap-settings';

/** What an administrator sends: every field but the password, which may be left out to keep it. */
export interface LdapSettingsInput {
  url: string;
  bindDn: string;
  /** Empty: keep the stored one. */
  bindPassword: string;
  peopleBaseDn: string;
  peopleFilter: string;
  departmentsBaseDn: string;
  departmentsFilter: string;
  groupsBaseDn: string;
  groupsFilter: string;
  attributeMap: Record<string, string>;
  disabledValues: string[];
  adminGroupDn: string;
  syncIntervalSeconds: number;
  startTls: boolean;
  tlsCaCertificate: string;
  tlsSkipVerify: boolean;
  pageSize: number;
  timeoutSeconds: number;
}

/**
 * Where a stored password is sent: the server, the account and how the line is
 * protected. A password kept without being typed again may only go where it went.
 */
export interface StoredConnection {
  url: string;
  bindDn: string;
  startTls: boolean;
  tlsSkipVerify: boolean;
  tlsCaCertificate: string;
  hasPassword: boolean;
}

/** The input checked, defaults filled in: what is stored. */
export type CheckedLdapSettings = Omit<LdapSettingsInput, 'bindPassword'> & {
  /** Undefined: keep the stored one. */
  bindPassword?: string;
  attributes: AttributeMap;
};

export const DEFAULT_PAGE_SIZE = 500;
export const DEFAULT_TIMEOUT_SECONDS = 30;
const MAX_DN_LENGTH = 1_000;
const MAX_FILTER_LENGTH = 2_000;
const MAX_PASSWORD_LENGTH = 1_000;
const MAX_CERTIFICATE_LENGTH = 20_000;
const MAX_DISABLED_VALUES = 20;
const MIN_INTERVAL_SECONDS = 60;
const MAX_INTERVAL_SECONDS = 7 * 24 * 3600;
// Control characters have no place in a DN, a filter or a URL, and would corrupt logs.
const CONTROL_CHARACTERS = /\p{Cc}/u;
const RDN = /^\s*(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)\s*=(?:[^\\]|\\.)*$/s;

/**
 * Checks settings as a whole and answers every problem at once, by field
 * (`{ peopleFilter: ['...'] }`), or the checked settings. `stored`: the
 * settings stored already, whose password an empty one keeps as long as it
 * would go to the same server, as the same account, as well protected.
 * Otherwise an administrator who does not know the password could point the
 * sync at a server of their own (or turn certificate checks off beside a
 * server they can intercept) and be sent it at the next run.
 */
export function checkLdapSettings(
  input: LdapSettingsInput,
  stored?: StoredConnection,
): { settings: CheckedLdapSettings } | { problems: Record<string, string[]> } {
  const problems: Record<string, string[]> = {};
  const problem = (field: string, message: string) => {
    problems[field] = [...(problems[field] ?? []), message];
  };

  const url = checkUrl(input.url);
  if (url) {
    problem('url', url);
  }
  for (const [field, value, required] of [
    ['bindDn', input.bindDn, false],
    ['peopleBaseDn', input.peopleBaseDn, true],
    ['departmentsBaseDn', input.departmentsBaseDn, true],
    ['groupsBaseDn', input.groupsBaseDn, false],
    ['adminGroupDn', input.adminGroupDn, false],
  ] as const) {
    const wrong = checkDn(value, required);
    if (wrong) {
      problem(field, wrong);
    }
  }
  for (const [field, value] of [
    ['peopleFilter', input.peopleFilter],
    ['departmentsFilter', input.departmentsFilter],
    ['groupsFilter', input.groupsFilter],
  ] as const) {
    const wrong = checkFilter(value);
    if (wrong) {
      problem(field, wrong);
    }
  }
  if (input.bindPassword.length > MAX_PASSWORD_LENGTH) {
    problem('bindPassword', `must be at most ${MAX_PASSWORD_LENGTH} characters`);
  }
  if (input.bindDn && !input.bindPassword) {
    if (!stored?.hasPassword) {
      problem('bindPassword', 'is required with a bind DN when none is stored yet');
    } else if (!url && !sameConnection(input, stored)) {
      problem('bindPassword', 'must be given again when the URL, bind DN or TLS settings change');
    }
  }
  let attributes = DEFAULT_ATTRIBUTE_MAP;
  try {
    attributes = parseAttributeMap(
      Object.entries(input.attributeMap)
        .map(([field, attribute]) => `${field}=${attribute}`)
        .join(','),
    );
  } catch (error) {
    problem('attributeMap', (error as Error).message);
  }
  const disabledValues = input.disabledValues.map((value) => value.trim().toLowerCase());
  if (
    disabledValues.length > MAX_DISABLED_VALUES ||
    disabledValues.some((value) => !value || value.length > 100 || CONTROL_CHARACTERS.test(value))
  ) {
    problem('disabledValues', `at most ${MAX_DISABLED_VALUES} values of 1 to 100 characters`);
  }
  const interval = input.syncIntervalSeconds;
  if (
    !Number.isInteger(interval) ||
    (interval !== 0 && (interval < MIN_INTERVAL_SECONDS || interval > MAX_INTERVAL_SECONDS))
  ) {
    problem(
      'syncIntervalSeconds',
      `must be 0 (on demand only) or ${MIN_INTERVAL_SECONDS} to ${MAX_INTERVAL_SECONDS}`,
    );
  }
  if (input.startTls && !url && normaliseUrl(input.url).startsWith('ldaps:')) {
    problem('startTls', 'applies to ldap:// URLs only (ldaps:// is TLS from the start)');
  }
  const certificate = checkCertificate(input.tlsCaCertificate);
  if (certificate) {
    problem('tlsCaCertificate', certificate);
  }
  const pageSize = input.pageSize || DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 5_000) {
    problem('pageSize', 'must be 1 to 5000');
  }
  const timeoutSeconds = input.timeoutSeconds || DEFAULT_TIMEOUT_SECONDS;
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 600) {
    problem('timeoutSeconds', 'must be 1 to 600');
  }
  if (Object.keys(problems).length > 0) {
    return { problems };
  }
  const { bindPassword, ...rest } = input;

  return {
    settings: {
      ...rest,
      url: normaliseUrl(input.url),
      bindPassword: bindPassword || undefined,
      attributeMap: overridesOf(attributes),
      attributes,
      disabledValues: disabledValues.length > 0 ? [...new Set(disabledValues)] : ['disabled'],
      pageSize,
      timeoutSeconds,
    },
  };
}

/** The fields of a map that differ from the default: what is stored. */
export function overridesOf(attributes: AttributeMap): Record<string, string> {
  return Object.fromEntries(
    Object.entries(attributes).filter(
      ([field, attribute]) => DEFAULT_ATTRIBUTE_MAP[field as keyof AttributeMap] !== attribute,
    ),
  );
}

/**
 * A URL as stored: scheme in lower case (ldapts reads `LDAPS://` as TLS, but
 * the TLS options were only passed for a lower-case `ldaps:`, so a private CA
 * or skipVerify were silently dropped), host and port, nothing else.
 */
export function normaliseUrl(text: string): string {
  const url = new URL(text.trim());

  return `${url.protocol}//${url.host.toLowerCase()}`;
}

function sameConnection(input: LdapSettingsInput, stored: StoredConnection): boolean {
  let storedUrl = stored.url;
  try {
    storedUrl = normaliseUrl(stored.url);
  } catch {
    // A stored URL that no longer parses matches nothing.
  }

  return (
    normaliseUrl(input.url) === storedUrl &&
    input.bindDn.trim() === stored.bindDn.trim() &&
    input.startTls === stored.startTls &&
    input.tlsSkipVerify === stored.tlsSkipVerify &&
    input.tlsCaCertificate.trim() === stored.tlsCaCertificate.trim()
  );
}

function checkUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return 'must be an ldap:// or ldaps:// URL';
  }
  if (url.protocol !== 'ldap:' && url.protocol !== 'ldaps:') {
    return 'must be an ldap:// or ldaps:// URL';
  }
  if (!url.hostname || url.username || url.password || url.search || url.hash) {
    return 'must name a host (and port), without credentials, query or fragment';
  }
  if (url.pathname !== '' && url.pathname !== '/') {
    return 'must not carry a DN; use the base DN fields';
  }
  if (url.port === '0') {
    return 'must name a port from 1 to 65535 (or none for the default)';
  }

  return undefined;
}

/** A DN as RFC 4514 writes it: attribute=value pairs separated by unescaped commas. */
function checkDn(dn: string, required: boolean): string | undefined {
  if (!dn.trim()) {
    return required ? 'is required' : undefined;
  }
  if (dn.length > MAX_DN_LENGTH || CONTROL_CHARACTERS.test(dn)) {
    return `must be at most ${MAX_DN_LENGTH} characters without control characters`;
  }
  const rdns = dn.split(/(?<!\\),/);

  return rdns.every((rdn) => RDN.test(rdn) && !/(?<!\\)[+]$/.test(rdn))
    ? undefined
    : 'is not a distinguished name (attribute=value, separated by commas)';
}

/**
 * An RFC 4515 filter, parsed as the search will parse it. The parser forgives
 * an unclosed filter, so parentheses are also counted: text appended after a
 * complete filter must not pass as part of it.
 */
function checkFilter(filter: string): string | undefined {
  const text = filter.trim();
  if (!text.startsWith('(') || !text.endsWith(')') || text.length > MAX_FILTER_LENGTH) {
    return `must be one parenthesised LDAP filter of at most ${MAX_FILTER_LENGTH} characters`;
  }
  if (CONTROL_CHARACTERS.test(text)) {
    return 'must not hold control characters';
  }
  let depth = 0;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === '\\') {
      index += 1;
    } else if (char === '(') {
      depth += 1;
    } else if (char === ')') {
      depth -= 1;
      if (depth === 0 && index !== text.length - 1) {
        return 'must be one filter: combine several with (&...) or (|...)';
      }
    }
  }
  if (depth !== 0) {
    return 'has unbalanced parentheses';
  }
  try {
    FilterParser.parseString(text);
  } catch (error) {
    return `is not an LDAP filter: ${(error as Error).message}`;
  }

  return undefined;
}

function checkCertificate(pem: string): string | undefined {
  if (!pem) {
    return undefined;
  }
  if (pem.length > MAX_CERTIFICATE_LENGTH) {
    return `must be at most ${MAX_CERTIFICATE_LENGTH} characters`;
  }
  try {
    new X509Certificate(pem);
  } catch {
    return 'must be PEM certificates (-----BEGIN CERTIFICATE-----)';
  }

  return undefined;
}
