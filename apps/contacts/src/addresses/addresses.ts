import { domainToASCII } from 'node:url';

/** RFC 5321 limits: 64 octets of local part, 253 of domain, 254 for the whole path. */
const MAX_LOCAL_LENGTH = 64;
const MAX_DOMAIN_LENGTH = 253;
const MAX_ADDRESS_LENGTH = 254;

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
// Dot-atom local parts (RFC 5322 section 3.4.1) plus non-ASCII letters (RFC 6531);
// quoted local parts are refused because no mail system we serve hands them out.
const LOCAL_PART = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;

/**
 * The canonical form of a mail domain: IDNA A-labels (punycode), lower case,
 * no trailing dot. Returns undefined when it is not a usable host name.
 */
export function foldDomain(input: string): string | undefined {
  const ascii = domainToASCII(input.trim().replace(/\.$/, ''));
  if (!ascii || ascii.length > MAX_DOMAIN_LENGTH) {
    return undefined;
  }
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label))) {
    return undefined;
  }

  return ascii;
}

/**
 * The canonical, case-folded form of an e-mail address, the one stored and
 * looked up: the local part in NFC lower case, the domain folded as above.
 * Returns undefined when the address is not valid.
 */
export function foldEmail(input: string): string | undefined {
  const trimmed = input.trim();
  const at = trimmed.lastIndexOf('@');
  if (at <= 0) {
    return undefined;
  }
  const local = trimmed.slice(0, at).normalize('NFC').toLowerCase();
  const domain = foldDomain(trimmed.slice(at + 1));
  if (!domain || Buffer.byteLength(local) > MAX_LOCAL_LENGTH || !LOCAL_PART.test(local)) {
    return undefined;
  }
  const address = `${local}@${domain}`;

  return Buffer.byteLength(address) <= MAX_ADDRESS_LENGTH ? address : undefined;
}

/** The folded domain part of a folded address. */
export function domainOf(foldedEmail: string): string {
  return foldedEmail.slice(foldedEmail.lastIndexOf('@') + 1);
}
