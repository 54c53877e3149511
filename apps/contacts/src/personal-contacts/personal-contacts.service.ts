import { randomUUID } from 'node:crypto';

import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { decodeCursor, encodeCursor, pageLimit } from '@confer/database';
import { Caller } from '@confer/grpc';
import { contactLists } from '@confer/proto';

import { PERSON_COLUMNS, PersonRow, toSummary } from '../follows/person-list';
import { isUuid, violatedUniqueConstraint } from '../persistence/postgres-errors';
import { normaliseName, normaliseNewContact, normaliseNote } from './personal-contact-input';
import { PersonalContactError } from './personal-contacts.errors';

export const DEFAULT_CONTACT_PAGE_SIZE = 50;
export const MAX_CONTACT_PAGE_SIZE = 200;

interface ContactRow {
  id: string;
  email: string;
  display_name: string | null;
  note: string;
  created_at: Date;
  updated_at: Date;
  person: PersonRow | null;
}

// An entry is linked at read time to the active or disabled person of the owner's
// organisation who has the address as primary (users_email_key) or as an alias
// (users_secondary_emails_idx), so an outside address that later joins the directory
// becomes that person without any rewrite.
const CONTACT_SELECT = `
  SELECT pc.id, pc.email, pc.display_name, pc.note, pc.created_at, pc.updated_at,
    (SELECT row_to_json(p) FROM (
       SELECT ${PERSON_COLUMNS} FROM users u
       WHERE u.org_id = pc.org_id
         AND (u.email = pc.email OR u.secondary_emails @> ARRAY[pc.email])
       ORDER BY (u.email = pc.email) DESC LIMIT 1) p) AS person
  FROM personal_contacts pc`;

/** The addresses a person keeps with a note: inside the organisation or outside it. */
@Injectable()
export class PersonalContactsService {
  private readonly logger = new Logger(PersonalContactsService.name);

  constructor(private readonly dataSource: DataSource) {}

  async add(
    caller: Caller,
    input: { email: string; displayName?: string; note?: string },
  ): Promise<contactLists.PersonalContact> {
    const fields = normaliseNewContact(input);
    const id = randomUUID();
    try {
      await this.dataSource.query(
        `INSERT INTO personal_contacts (id, owner_id, org_id, email, display_name, note)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [id, caller.userId, caller.orgId, fields.email, fields.displayName, fields.note],
      );
    } catch (error) {
      if (violatedUniqueConstraint(error) === 'personal_contacts_owner_email_key') {
        const [existing] = (await this.dataSource.query(
          'SELECT id FROM personal_contacts WHERE owner_id = $1 AND email = $2',
          [caller.userId, fields.email],
        )) as { id: string }[];
        throw PersonalContactError.exists(fields.email, existing?.id ?? '');
      }
      throw error;
    }
    this.logger.debug({ userId: caller.userId, contactId: id }, 'personal contact added');

    return this.get(caller, id);
  }

  async update(
    caller: Caller,
    id: string,
    patch: { displayName?: string; note?: string },
  ): Promise<contactLists.PersonalContact> {
    await this.get(caller, id);
    const sets: string[] = [];
    const values: unknown[] = [id, caller.userId];
    if (patch.displayName !== undefined) {
      values.push(normaliseName(patch.displayName));
      sets.push(`display_name = $${values.length}`);
    }
    if (patch.note !== undefined) {
      values.push(normaliseNote(patch.note));
      sets.push(`note = $${values.length}`);
    }
    if (sets.length > 0) {
      await this.dataSource.query(
        `UPDATE personal_contacts SET ${sets.join(', ')}, updated_at = now()
         WHERE id = $1 AND owner_id = $2`,
        values,
      );
    }

    return this.get(caller, id);
  }

  async remove(caller: Caller, id: string): Promise<void> {
    // A DELETE answers [rows, affected count].
    const [, deleted] = isUuid(id)
      ? ((await this.dataSource.query(
          'DELETE FROM personal_contacts WHERE id = $1 AND owner_id = $2',
          [id, caller.userId],
        )) as [unknown[], number])
      : [[], 0];
    if (deleted === 0) {
      throw PersonalContactError.notFound(id);
    }
  }

  /** Another owner's entry is answered as not found. */
  async get(caller: Caller, id: string): Promise<contactLists.PersonalContact> {
    const [row] = isUuid(id)
      ? ((await this.dataSource.query(`${CONTACT_SELECT} WHERE pc.id = $1 AND pc.owner_id = $2`, [
          id,
          caller.userId,
        ])) as ContactRow[])
      : [];
    if (!row) {
      throw PersonalContactError.notFound(id);
    }

    return toProto(row);
  }

  /** The caller's entries by address. */
  async list(
    caller: Caller,
    limit?: number,
    cursor?: string,
  ): Promise<contactLists.PersonalContactPage> {
    const size = pageLimit(limit, DEFAULT_CONTACT_PAGE_SIZE, MAX_CONTACT_PAGE_SIZE);
    const after = cursor ? decodeCursor(cursor, { email: 'string' }) : undefined;
    // Served by personal_contacts_owner_email_key: a range scan from the cursor.
    const rows = (await this.dataSource.query(
      `${CONTACT_SELECT} WHERE pc.owner_id = $1 ${after ? 'AND pc.email > $3' : ''}
       ORDER BY pc.email LIMIT $2`,
      after ? [caller.userId, size + 1, after.email] : [caller.userId, size + 1],
    )) as ContactRow[];
    const items = rows.slice(0, size);
    const last = items[items.length - 1];

    return {
      items: items.map(toProto),
      nextCursor: rows.length > size && last ? encodeCursor({ email: last.email }) : '',
    };
  }

  /** The caller's entry for any of a person's addresses, for the contact card. */
  async findForAddresses(
    ownerId: string,
    addresses: string[],
  ): Promise<{ id: string; note: string } | undefined> {
    const [row] = (await this.dataSource.query(
      `SELECT id, note FROM personal_contacts WHERE owner_id = $1 AND email = ANY($2::text[])
       ORDER BY array_position($2::text[], email) LIMIT 1`,
      [ownerId, addresses],
    )) as { id: string; note: string }[];

    return row;
  }
}

function toProto(row: ContactRow): contactLists.PersonalContact {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name ?? '',
    note: row.note,
    person: row.person ? toSummary(row.person) : undefined,
    hasPerson: row.person !== null,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
