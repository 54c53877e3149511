import { domainOf, foldEmail } from '../addresses/addresses';
import { MAX_DISPLAY_NAME_LENGTH } from '../users/user-input';
import { DirectoryEntry, normaliseDn, parentDn } from './ldap-directory';
import { AttributeMap } from './ldap-settings';
import { SyncFailure } from './sync-report';

/** A person entry checked and mapped onto the users table's fields. */
export interface PersonRecord {
  sourceId: string;
  dn: string;
  email: string;
  secondaryEmails: string[];
  displayName: string;
  surname: string | null;
  givenName: string | null;
  title: string | null;
  deskPhone: string | null;
  mobile: string | null;
  employeeNumber: string | null;
  disabled: boolean;
}

export type Mapped<T> = { record: T } | { failure: SyncFailure };

/** Longest value kept in a free-text profile field (titles, phone numbers, numbers). */
export const MAX_FIELD_LENGTH = 200;

// Control characters would corrupt lists, headers and logs a value is shown in.
const CONTROL_CHARACTERS = /\p{Cc}/u;

/**
 * Maps a person entry, or says why it cannot be applied: no address, an
 * address that is not one, an address outside the organisation's domain (so no
 * directory can claim another organisation's logins), an unusable value.
 */
export function toPersonRecord(
  entry: DirectoryEntry,
  attributes: AttributeMap,
  orgDomain: string,
  disabledValues: string[],
): Mapped<PersonRecord> {
  const fail = (reason: SyncFailure['reason'], detail: string): Mapped<PersonRecord> => ({
    failure: { sourceId: entry.sourceId, dn: entry.dn, reason, detail },
  });
  const all = (name: string): string[] => entry.values.get(name.toLowerCase()) ?? [];
  const first = (name: string): string | undefined => all(name)[0]?.trim() || undefined;

  const undecodable = Object.values(attributes).find((name) =>
    entry.undecodable.has(name.toLowerCase()),
  );
  if (undecodable) {
    return fail('bad_value', `${undecodable} holds a value that is not UTF-8`);
  }

  const addresses = all(attributes.email)
    .map((value) => value.trim())
    .filter(Boolean);
  if (addresses.length === 0) {
    return fail('missing_mail', `no ${attributes.email} attribute`);
  }
  const folded = addresses.map((address) => foldEmail(address));
  const badIndex = folded.findIndex((address) => address === undefined);
  if (badIndex >= 0) {
    return fail('bad_value', `${attributes.email} "${addresses[badIndex]}" is not an address`);
  }
  const emails = [...new Set(folded as string[])];
  const outside = emails.find((address) => domainOf(address) !== orgDomain);
  if (outside) {
    return fail('mail_outside_domain', `${outside} is not in ${orgDomain}`);
  }

  const surname = first(attributes.surname) ?? null;
  const givenName = first(attributes.givenName) ?? null;
  const displayName =
    first(attributes.displayName) ??
    first(attributes.commonName) ??
    [surname, givenName].filter(Boolean).join('');
  const fields = {
    displayName,
    surname,
    givenName,
    title: first(attributes.title) ?? null,
    deskPhone: first(attributes.deskPhone) ?? null,
    mobile: first(attributes.mobile) ?? null,
    employeeNumber: first(attributes.employeeNumber) ?? null,
  };
  if (!displayName || displayName.length > MAX_DISPLAY_NAME_LENGTH) {
    return fail('bad_value', `no usable display name (1 to ${MAX_DISPLAY_NAME_LENGTH} characters)`);
  }
  for (const [field, value] of Object.entries(fields)) {
    if (value !== null && (value.length > MAX_FIELD_LENGTH || CONTROL_CHARACTERS.test(value))) {
      return fail('bad_value', `${field} is too long or holds control characters`);
    }
  }
  const status = all(attributes.status).map((value) => value.trim().toLowerCase());

  return {
    record: {
      sourceId: entry.sourceId,
      dn: entry.dn,
      email: emails[0],
      secondaryEmails: emails.slice(1),
      ...fields,
      disabled: status.some((value) => disabledValues.includes(value)),
    },
  };
}

/** A department entry placed in the tree. */
export interface DepartmentNode {
  sourceId: string;
  dn: string;
  name: string;
  /** Null for a root: an entry directly under the departments base. */
  parentSourceId: string | null;
  /** Source ids from the root down to this department. */
  path: string[];
}

/**
 * Places department entries in a tree by their DNs, parents before children.
 * An entry whose parent is neither the base nor another department (filtered
 * out, say) is an unknown_department failure, and so are its descendants; a
 * loop in the parent links is a cycle failure.
 */
export function buildDepartmentTree(
  entries: DirectoryEntry[],
  baseDn: string,
  nameAttribute: string,
): { nodes: DepartmentNode[]; failures: SyncFailure[] } {
  const base = normaliseDn(baseDn);
  const byDn = new Map(entries.map((entry) => [normaliseDn(entry.dn), entry]));
  const placed = new Map<string, DepartmentNode>();
  const failures: SyncFailure[] = [];
  const failed = new Set<string>();

  const place = (entry: DirectoryEntry, seen: Set<string>): DepartmentNode | undefined => {
    const key = normaliseDn(entry.dn);
    const done = placed.get(key);
    if (done || failed.has(key)) {
      return done;
    }
    const fail = (reason: SyncFailure['reason'], detail: string): undefined => {
      failed.add(key);
      failures.push({ sourceId: entry.sourceId, dn: entry.dn, reason, detail });

      return undefined;
    };
    if (seen.has(key)) {
      return fail('cycle', 'the department is its own ancestor');
    }
    const name = entry.values.get(nameAttribute.toLowerCase())?.[0]?.trim();
    if (entry.undecodable.has(nameAttribute.toLowerCase())) {
      return fail('bad_value', `${nameAttribute} holds a value that is not UTF-8`);
    }
    if (!name || name.length > MAX_FIELD_LENGTH || CONTROL_CHARACTERS.test(name)) {
      return fail('bad_value', `no usable ${nameAttribute}`);
    }
    const parentKey = normaliseDn(parentDn(entry.dn));
    let parent: DepartmentNode | undefined;
    if (parentKey !== base) {
      const parentEntry = byDn.get(parentKey);
      parent = parentEntry ? place(parentEntry, new Set([...seen, key])) : undefined;
      if (!parent) {
        return fail('unknown_department', `the parent ${parentDn(entry.dn)} is not a department`);
      }
    }
    const node: DepartmentNode = {
      sourceId: entry.sourceId,
      dn: entry.dn,
      name,
      parentSourceId: parent?.sourceId ?? null,
      path: [...(parent?.path ?? []), entry.sourceId],
    };
    placed.set(key, node);

    return node;
  };

  for (const entry of entries) {
    if (normaliseDn(entry.dn) !== base) {
      place(entry, new Set());
    }
  }

  return {
    nodes: [...placed.values()].sort((a, b) => a.path.length - b.path.length),
    failures,
  };
}
