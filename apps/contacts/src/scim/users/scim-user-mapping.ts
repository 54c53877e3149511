import { domainOf, foldEmail } from '../../addresses/addresses';
import { attribute, isObject, SCHEMA, ScimResource, versionOf } from '../scim-json';
import { ScimError } from '../scim.errors';

/** The directory's fields of a person that SCIM reads and writes. */
interface ScimPersonFields {
  email: string;
  secondaryEmails: string[];
  /** Address → the SCIM type it was given (work, home, other). */
  emailTypes: Record<string, string>;
  displayName: string;
  surname: string | null;
  givenName: string | null;
  title: string | null;
  deskPhone: string | null;
  mobile: string | null;
  employeeNumber: string | null;
  departmentLabel: string | null;
  sourceId: string | null;
  status: 'active' | 'disabled';
}

/** A person as SCIM reads and writes them: the directory's fields plus SCIM's own. */
export interface ScimUserRow extends ScimPersonFields {
  id: string;
  orgId: string;
  /** Null when none was set: the login address stands in for it. */
  userName: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What a SCIM User body sets; everything else in it is accepted and not kept. */
export interface ScimUserFields extends ScimPersonFields {
  userName: string;
}

export interface GroupRef {
  id: string;
  name: string;
}

/** Matches the directory's own limit on display names (user-input.ts). */
export const MAX_NAME_LENGTH = 200;
/** Identifiers, phone numbers and the like: long enough for any directory, short enough to index. */
export const MAX_TEXT_LENGTH = 256;

// Control characters would corrupt lists and mail headers a value is shown in.
const CONTROL_CHARACTERS = /\p{Cc}/u;

/** The SCIM representation of a person (RFC 7643 sections 4.1 and 4.3). */
export function toScimUser(row: ScimUserRow, groups: GroupRef[], baseUrl: string): ScimResource {
  const enterprise = compact({
    employeeNumber: row.employeeNumber,
    department: row.departmentLabel,
  });
  const name = compact({ familyName: row.surname, givenName: row.givenName });
  const emails = [
    { value: row.email, type: row.emailTypes[row.email] ?? 'work', primary: true },
    ...row.secondaryEmails.map((value) => ({ value, type: row.emailTypes[value] ?? 'other' })),
  ];
  const phoneNumbers = [
    ...(row.deskPhone ? [{ value: row.deskPhone, type: 'work' }] : []),
    ...(row.mobile ? [{ value: row.mobile, type: 'mobile' }] : []),
  ];
  const resource: ScimResource = {
    schemas:
      Object.keys(enterprise).length > 0 ? [SCHEMA.user, SCHEMA.enterpriseUser] : [SCHEMA.user],
    id: row.id,
    ...(row.sourceId ? { externalId: row.sourceId } : {}),
    userName: row.userName ?? row.email,
    ...(Object.keys(name).length > 0 ? { name } : {}),
    displayName: row.displayName,
    ...(row.title ? { title: row.title } : {}),
    active: row.status === 'active',
    emails,
    ...(phoneNumbers.length > 0 ? { phoneNumbers } : {}),
    groups: groups.map((group) => ({
      value: group.id,
      display: group.name,
      type: 'direct',
      $ref: `${baseUrl}/Groups/${group.id}`,
    })),
    ...(Object.keys(enterprise).length > 0 ? { [SCHEMA.enterpriseUser]: enterprise } : {}),
  };
  const meta = {
    resourceType: 'User',
    created: row.createdAt.toISOString(),
    lastModified: row.updatedAt.toISOString(),
    location: `${baseUrl}/Users/${row.id}`,
    version: versionOf(resource),
  };

  return { ...resource, meta };
}

/**
 * Reads a SCIM User body (POST, PUT, or a patched representation) into the
 * fields kept, or throws the first problem as a ScimError. The login address
 * is the primary e-mail, else the first work one, else the userName when it is
 * an address, else the first address in the domain, else userName@domain. It
 * must be in the organisation's mail domain, so no organisation can provision
 * another's addresses and capture those people's logins; other addresses may
 * be anywhere.
 */
export function fromScimUser(body: unknown, orgDomain: string): ScimUserFields {
  if (!isObject(body)) {
    throw ScimError.invalidSyntax('A User must be a JSON object.');
  }
  const schemas = attribute(body, 'schemas');
  if (!Array.isArray(schemas) || !schemas.includes(SCHEMA.user)) {
    throw ScimError.invalidSyntax(`A User must list the schema ${SCHEMA.user} in "schemas".`);
  }
  const userName = text(body, 'userName', MAX_TEXT_LENGTH);
  if (!userName) {
    throw ScimError.invalidValue('"userName" is required.');
  }
  const name = attribute(body, 'name');
  if (name !== undefined && name !== null && !isObject(name)) {
    throw ScimError.invalidValue('"name" must be an object.');
  }
  const surname = isObject(name) ? text(name, 'familyName', MAX_NAME_LENGTH, 'name.') : null;
  const givenName = isObject(name) ? text(name, 'givenName', MAX_NAME_LENGTH, 'name.') : null;
  const formatted = isObject(name) ? text(name, 'formatted', MAX_NAME_LENGTH, 'name.') : null;
  const displayName =
    text(body, 'displayName', MAX_NAME_LENGTH) ??
    formatted ??
    ([givenName, surname].filter(Boolean).join(' ') || userName);
  if (displayName.length > MAX_NAME_LENGTH) {
    throw ScimError.invalidValue(`"displayName" is longer than ${MAX_NAME_LENGTH} characters.`);
  }
  const addresses = emailsOf(body);
  const email = loginAddress(addresses, userName, orgDomain);
  const secondaryEmails = addresses
    .map((entry) => entry.value)
    .filter((value, index, all) => value !== email && all.indexOf(value) === index);
  const emailTypes = Object.fromEntries(
    addresses.filter((entry) => entry.type).map((entry) => [entry.value, entry.type as string]),
  );
  const phones = phonesOf(body);
  const enterprise = attribute(body, SCHEMA.enterpriseUser);
  if (enterprise !== undefined && enterprise !== null && !isObject(enterprise)) {
    throw ScimError.invalidValue(`"${SCHEMA.enterpriseUser}" must be an object.`);
  }

  return {
    userName,
    email,
    secondaryEmails,
    emailTypes,
    displayName,
    surname,
    givenName,
    title: text(body, 'title', MAX_TEXT_LENGTH),
    deskPhone: phones.work,
    mobile: phones.mobile,
    employeeNumber: isObject(enterprise)
      ? text(enterprise, 'employeeNumber', MAX_TEXT_LENGTH, 'enterprise ')
      : null,
    departmentLabel: isObject(enterprise)
      ? text(enterprise, 'department', MAX_TEXT_LENGTH, 'enterprise ')
      : null,
    sourceId: text(body, 'externalId', MAX_TEXT_LENGTH),
    status: activeOf(body) ? 'active' : 'disabled',
  };
}

interface EmailEntry {
  value: string;
  type?: string;
  primary: boolean;
}

function emailsOf(body: Record<string, unknown>): EmailEntry[] {
  const emails = attribute(body, 'emails');
  if (emails === undefined || emails === null) {
    return [];
  }
  if (!Array.isArray(emails)) {
    throw ScimError.invalidValue('"emails" must be an array.');
  }
  const entries = emails.map((entry, index): EmailEntry => {
    const raw = isObject(entry) ? attribute(entry, 'value') : undefined;
    const value = typeof raw === 'string' ? foldEmail(raw) : undefined;
    if (!value) {
      throw ScimError.invalidValue(`emails[${index}].value is not a valid e-mail address.`);
    }
    const type = attribute(entry as Record<string, unknown>, 'type');
    const primary = attribute(entry as Record<string, unknown>, 'primary');

    return {
      value,
      type: typeof type === 'string' && type.trim() ? type.trim().toLowerCase() : undefined,
      primary: primary === true || primary === 'true',
    };
  });
  if (entries.filter((entry) => entry.primary).length > 1) {
    throw ScimError.invalidValue('At most one of "emails" may be primary.');
  }

  return entries;
}

function loginAddress(addresses: EmailEntry[], userName: string, orgDomain: string): string {
  const chosen =
    addresses.find((entry) => entry.primary) ?? addresses.find((entry) => entry.type === 'work');
  if (chosen) {
    return inDomain(chosen.value, orgDomain);
  }
  const fromUserName = foldEmail(userName);
  if (fromUserName) {
    return inDomain(fromUserName, orgDomain);
  }
  const address =
    addresses.find((entry) => domainOf(entry.value) === orgDomain)?.value ??
    foldEmail(`${userName}@${orgDomain}`);
  if (!address) {
    throw ScimError.invalidValue(
      '"userName" is neither an e-mail address nor usable as the local part of one, and no "emails" were given in the domain.',
    );
  }

  return address;
}

function inDomain(address: string, orgDomain: string): string {
  if (domainOf(address) !== orgDomain) {
    throw ScimError.invalidValue(
      `The login address ${address} is not in the organisation's mail domain ${orgDomain}.`,
    );
  }

  return address;
}

function phonesOf(body: Record<string, unknown>): { work: string | null; mobile: string | null } {
  const phones = attribute(body, 'phoneNumbers');
  if (phones === undefined || phones === null) {
    return { work: null, mobile: null };
  }
  if (!Array.isArray(phones)) {
    throw ScimError.invalidValue('"phoneNumbers" must be an array.');
  }
  const found: { work: string | null; mobile: string | null } = { work: null, mobile: null };
  phones.forEach((entry, index) => {
    const value = isObject(entry) ? attribute(entry, 'value') : undefined;
    if (typeof value !== 'string' || !printable(value, MAX_TEXT_LENGTH)) {
      throw ScimError.invalidValue(
        `phoneNumbers[${index}].value must be a short printable string.`,
      );
    }
    const type = String(attribute(entry as Record<string, unknown>, 'type') ?? '').toLowerCase();
    // Confer keeps a desk phone and a mobile; fax, pager, home and other numbers are not kept.
    const slot = type === 'work' ? 'work' : type === 'mobile' ? 'mobile' : undefined;
    if (slot && found[slot] === null) {
      found[slot] = value.trim();
    }
  });

  return found;
}

/** active defaults to true; "True"/"False" strings are read too, as some clients send them. */
function activeOf(body: Record<string, unknown>): boolean {
  const active = attribute(body, 'active');
  if (active === undefined || active === null) {
    return true;
  }
  if (typeof active === 'boolean') {
    return active;
  }
  if (typeof active === 'string' && ['true', 'false'].includes(active.toLowerCase())) {
    return active.toLowerCase() === 'true';
  }
  throw ScimError.invalidValue('"active" must be true or false.');
}

/** An optional single-line string attribute, trimmed; null when absent or empty. */
function text(
  object: Record<string, unknown>,
  name: string,
  max: number,
  prefix = '',
): string | null {
  const value = attribute(object, name);
  if (value === undefined || value === null) {
    return null;
  }
  if (typeof value !== 'string' || !printable(value, max)) {
    throw ScimError.invalidValue(
      `"${prefix}${name}" must be a string of at most ${max} printable characters.`,
    );
  }

  return value.trim() || null;
}

function printable(value: string, max: number): boolean {
  return value.length <= max && !CONTROL_CHARACTERS.test(value);
}

function compact(values: Record<string, string | null>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).filter((entry): entry is [string, string] => !!entry[1]),
  );
}
