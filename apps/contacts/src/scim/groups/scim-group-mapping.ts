import { isUuid } from '../../persistence/postgres-errors';
import { attribute, isObject, SCHEMA, ScimResource, versionOf } from '../scim-json';
import { ScimError } from '../scim.errors';
import { MAX_NAME_LENGTH, MAX_TEXT_LENGTH } from '../users/scim-user-mapping';

/** A department as SCIM reads it. */
export interface ScimGroupRow {
  id: string;
  orgId: string;
  parentId: string | null;
  name: string;
  sourceId: string;
  path: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface MemberRef {
  id: string;
  displayName: string;
}

/** What a SCIM Group body sets. */
export interface ScimGroupFields {
  name: string;
  /** null: no externalId; the department's own id stands in as its source id. */
  externalId: string | null;
  parentId: string | null;
  /** Distinct, lower-case user ids. */
  memberIds: string[];
}

/** How many members one Group request may list; larger departments are built with PATCH. */
export const MAX_MEMBERS_PER_REQUEST = 10_000;

const CONTROL_CHARACTERS = /\p{Cc}/u;

/**
 * The SCIM representation of a department (RFC 7643 section 4.2). The parent,
 * which core SCIM has no attribute for, is Confer's extension attribute
 * `parent` (the parent Group's id) under SCHEMA.department.
 */
export function toScimGroup(
  row: ScimGroupRow,
  members: MemberRef[],
  baseUrl: string,
): ScimResource {
  const resource: ScimResource = {
    schemas: row.parentId ? [SCHEMA.group, SCHEMA.department] : [SCHEMA.group],
    id: row.id,
    // Departments created without an externalId use their own id as the source id.
    ...(row.sourceId !== row.id ? { externalId: row.sourceId } : {}),
    displayName: row.name,
    members: members.map((member) => ({
      value: member.id,
      display: member.displayName,
      type: 'User',
      $ref: `${baseUrl}/Users/${member.id}`,
    })),
    ...(row.parentId ? { [SCHEMA.department]: { parent: row.parentId } } : {}),
  };
  const meta = {
    resourceType: 'Group',
    created: row.createdAt.toISOString(),
    lastModified: row.updatedAt.toISOString(),
    location: `${baseUrl}/Groups/${row.id}`,
    version: versionOf(resource),
  };

  return { ...resource, meta };
}

export interface GroupReadOptions {
  /**
   * The department's parent now, kept when the body does not speak of the
   * parent at all (neither the extension attribute nor its schema in
   * `schemas`): identity providers that know only core SCIM PUT Groups
   * without it, and must not move whole subtrees to the root. Absent on create.
   */
  parentId?: string | null;
  /** Whether the members listed count against MAX_MEMBERS_PER_REQUEST (false for a patched representation). */
  memberLimit?: boolean;
}

/** Reads a SCIM Group body into the fields kept, or throws the first problem. */
export function fromScimGroup(body: unknown, options: GroupReadOptions = {}): ScimGroupFields {
  if (!isObject(body)) {
    throw ScimError.invalidSyntax('A Group must be a JSON object.');
  }
  const schemas = attribute(body, 'schemas');
  if (!Array.isArray(schemas) || !schemas.includes(SCHEMA.group)) {
    throw ScimError.invalidSyntax(`A Group must list the schema ${SCHEMA.group} in "schemas".`);
  }
  const name = attribute(body, 'displayName');
  if (
    typeof name !== 'string' ||
    !name.trim() ||
    name.length > MAX_NAME_LENGTH ||
    CONTROL_CHARACTERS.test(name)
  ) {
    throw ScimError.invalidValue(
      `"displayName" is required: 1 to ${MAX_NAME_LENGTH} printable characters.`,
    );
  }
  const externalId = attribute(body, 'externalId');
  if (
    externalId !== undefined &&
    externalId !== null &&
    (typeof externalId !== 'string' ||
      externalId.length > MAX_TEXT_LENGTH ||
      CONTROL_CHARACTERS.test(externalId))
  ) {
    throw ScimError.invalidValue(
      `"externalId" must be a string of at most ${MAX_TEXT_LENGTH} characters.`,
    );
  }

  return {
    name: name.trim(),
    externalId: typeof externalId === 'string' && externalId.trim() ? externalId.trim() : null,
    parentId: parentOf(body, schemas, options.parentId),
    memberIds: membersOf(body, options.memberLimit ?? true),
  };
}

/**
 * Refuses a PATCH naming more than MAX_MEMBERS_PER_REQUEST values in all, as a
 * PUT listing that many members is refused; the department itself may be larger.
 */
export function refuseTooManyNamed(body: unknown): void {
  const operations = isObject(body) ? (body.Operations ?? body.operations) : undefined;
  if (!Array.isArray(operations)) {
    return;
  }
  const named = operations.reduce((total: number, operation: unknown) => {
    const value = isObject(operation) ? operation.value : undefined;
    const members = isObject(value) ? attribute(value, 'members') : value;

    return total + (Array.isArray(members) ? members.length : 1);
  }, 0);
  if (named > MAX_MEMBERS_PER_REQUEST) {
    throw ScimError.tooMany(`At most ${MAX_MEMBERS_PER_REQUEST} members per request.`);
  }
}

function parentOf(
  body: Record<string, unknown>,
  schemas: unknown[],
  current: string | null | undefined,
): string | null {
  const extension = attribute(body, SCHEMA.department);
  if (extension === undefined && current !== undefined && !schemas.includes(SCHEMA.department)) {
    return current;
  }
  if (extension === undefined || extension === null) {
    return null;
  }
  if (!isObject(extension)) {
    throw ScimError.invalidValue(`"${SCHEMA.department}" must be an object.`);
  }
  const parent = attribute(extension, 'parent');
  if (parent === undefined || parent === null || parent === '') {
    return null;
  }
  if (typeof parent !== 'string' || !isUuid(parent)) {
    throw ScimError.invalidValue('The parent must be the id of a Group.');
  }

  return parent.toLowerCase();
}

function membersOf(body: Record<string, unknown>, limit: boolean): string[] {
  const members = attribute(body, 'members');
  if (members === undefined || members === null) {
    return [];
  }
  if (!Array.isArray(members)) {
    throw ScimError.invalidValue('"members" must be an array.');
  }
  if (limit && members.length > MAX_MEMBERS_PER_REQUEST) {
    throw ScimError.tooMany(`At most ${MAX_MEMBERS_PER_REQUEST} members per request.`);
  }
  const ids = members.map((member, index) => {
    const value = isObject(member) ? attribute(member, 'value') : undefined;
    if (typeof value !== 'string' || !isUuid(value)) {
      throw ScimError.invalidValue(`members[${index}].value must be the id of a User.`);
    }

    return value.toLowerCase();
  });

  return [...new Set(ids)];
}
