import { EntityManager } from 'typeorm';

import { FilterColumns } from '../filter/filter-sql';
import { SCHEMA } from '../scim-json';
import { GroupRef, ScimUserFields, ScimUserRow } from './scim-user-mapping';

// The SQL of SCIM Users: the person's row with SCIM's own columns, read and written by bound
// parameters only; the rules that decide what to write are in ScimUsersService.

// Attributes a filter may name, as SQL over `users u`. RFC 7643 makes userName, e-mail
// addresses, names and titles caseExact false; externalId and id are caseExact.
export const USER_COLUMNS: FilterColumns = {
  id: { expression: 'u.id::text', type: 'string', caseExact: true },
  username: { expression: 'coalesce(u.user_name, u.email)', type: 'string', caseExact: false },
  displayname: { expression: 'u.display_name', type: 'string', caseExact: false },
  externalid: { expression: 'u.source_id', type: 'string', caseExact: true },
  emails: {
    expression: 'array_prepend(u.email, u.secondary_emails)',
    type: 'string',
    caseExact: false,
    many: true,
  },
  'emails.value': {
    expression: 'array_prepend(u.email, u.secondary_emails)',
    type: 'string',
    caseExact: false,
    many: true,
  },
  'name.familyname': { expression: 'u.surname', type: 'string', caseExact: false },
  'name.givenname': { expression: 'u.given_name', type: 'string', caseExact: false },
  title: { expression: 'u.title', type: 'string', caseExact: false },
  active: { expression: "(u.status = 'active')", type: 'boolean', caseExact: true },
  'meta.created': { expression: 'u.created_at', type: 'datetime', caseExact: true },
  'meta.lastmodified': { expression: 'u.updated_at', type: 'datetime', caseExact: true },
  [`${SCHEMA.enterpriseUser.toLowerCase()}:employeenumber`]: {
    expression: 'u.employee_number',
    type: 'string',
    caseExact: false,
  },
};

export const ROW_COLUMNS = `u.id, u.org_id, u.email, u.secondary_emails, u.email_types, u.user_name,
  u.display_name, u.surname, u.given_name, u.title, u.desk_phone, u.mobile, u.employee_number,
  u.department_label, u.source_id, u.status, u.created_at, u.updated_at`;

/** Other users holding the address (anywhere), or the userName or externalId (in the organisation). */
export function findHolders(
  manager: EntityManager,
  orgId: string,
  fields: ScimUserFields,
  self: string | undefined,
): Promise<Holder[]> {
  // users_email_key, users_org_user_name_key and users_org_source_key serve the three tests.
  return manager.query(
    `SELECT id, org_id, scim_deleted_at IS NOT NULL AS deleted,
            email = $3 AS has_email,
            org_id = $1 AND lower(coalesce(user_name, email)) = lower($4) AS has_user_name,
            org_id = $1 AND source_id = $5 AS has_external_id
       FROM users
      WHERE ($2::uuid IS NULL OR id <> $2::uuid)
        AND (email = $3
             OR (org_id = $1 AND lower(coalesce(user_name, email)) = lower($4))
             OR (org_id = $1 AND source_id = $5))`,
    [orgId, self ?? null, fields.email, fields.userName, fields.sourceId],
  );
}

export async function insertUser(
  manager: EntityManager,
  orgId: string,
  id: string,
  fields: ScimUserFields,
): Promise<void> {
  await manager.query(
    `INSERT INTO users (id, org_id, roles, email, secondary_emails, email_types, user_name,
       display_name, surname, given_name, title, desk_phone, mobile, employee_number,
       department_label, source_id, status)
     VALUES ($1, $2, '{}', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
    [id, orgId, ...fieldValues(fields)],
  );
}

export async function updateUser(
  manager: EntityManager,
  id: string,
  fields: ScimUserFields,
): Promise<void> {
  await manager.query(
    `UPDATE users SET email = $2, secondary_emails = $3, email_types = $4, user_name = $5,
       display_name = $6, surname = $7, given_name = $8, title = $9, desk_phone = $10,
       mobile = $11, employee_number = $12, department_label = $13, source_id = $14,
       status = $15, scim_deleted_at = NULL, updated_at = now()
     WHERE id = $1`,
    [id, ...fieldValues(fields)],
  );
}

export async function selectUsers(
  manager: EntityManager,
  where: string,
  parameters: unknown[],
): Promise<ScimUserRow[]> {
  const raw: RawUserRow[] = await manager.query(
    `SELECT ${ROW_COLUMNS} FROM users u WHERE ${where}`,
    parameters,
  );

  return raw.map(toRow);
}

/** The departments each person is directly in: SCIM's read-only "groups". */
export async function groupsOf(
  manager: EntityManager,
  ids: string[],
): Promise<Map<string, GroupRef[]>> {
  const groups = new Map<string, GroupRef[]>();
  if (ids.length === 0) {
    return groups;
  }
  const rows: { user_id: string; id: string; name: string }[] = await manager.query(
    `SELECT ud.user_id, d.id, d.name FROM user_departments ud
       JOIN departments d ON d.id = ud.department_id
      WHERE ud.user_id = ANY($1::uuid[]) ORDER BY d.name, d.id`,
    [ids],
  );
  for (const row of rows) {
    groups.set(row.user_id, [...(groups.get(row.user_id) ?? []), { id: row.id, name: row.name }]);
  }

  return groups;
}

export interface Holder {
  id: string;
  org_id: string;
  deleted: boolean;
  has_email: boolean;
  has_user_name: boolean;
  has_external_id: boolean;
}

export interface RawUserRow {
  id: string;
  org_id: string;
  email: string;
  secondary_emails: string[];
  email_types: Record<string, string>;
  user_name: string | null;
  display_name: string;
  surname: string | null;
  given_name: string | null;
  title: string | null;
  desk_phone: string | null;
  mobile: string | null;
  employee_number: string | null;
  department_label: string | null;
  source_id: string | null;
  status: 'active' | 'disabled';
  created_at: Date;
  updated_at: Date;
}

export function toRow(raw: RawUserRow): ScimUserRow {
  return {
    id: raw.id,
    orgId: raw.org_id,
    email: raw.email,
    secondaryEmails: raw.secondary_emails,
    emailTypes: raw.email_types ?? {},
    userName: raw.user_name,
    displayName: raw.display_name,
    surname: raw.surname,
    givenName: raw.given_name,
    title: raw.title,
    deskPhone: raw.desk_phone,
    mobile: raw.mobile,
    employeeNumber: raw.employee_number,
    departmentLabel: raw.department_label,
    sourceId: raw.source_id,
    status: raw.status,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
  };
}

/** The column values in the order insert and update list them after the id. */
function fieldValues(fields: ScimUserFields): unknown[] {
  return [
    fields.email,
    fields.secondaryEmails,
    JSON.stringify(fields.emailTypes),
    fields.userName,
    fields.displayName,
    fields.surname,
    fields.givenName,
    fields.title,
    fields.deskPhone,
    fields.mobile,
    fields.employeeNumber,
    fields.departmentLabel,
    fields.sourceId,
    fields.status,
  ];
}
