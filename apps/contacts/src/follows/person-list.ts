import { EntityManager } from 'typeorm';

import { decodeCursor, encodeCursor, pageLimit } from '@confer/database';
import { Caller } from '@confer/grpc';
import { contactLists } from '@confer/proto';

import { isUuid } from '../persistence/postgres-errors';
import { PersonListError } from './person-list.errors';

export const DEFAULT_LIST_PAGE_SIZE = 50;
export const MAX_LIST_PAGE_SIZE = 200;

/** A per-person list of other people: `follows` or `blocks`, with their column names. */
export interface PersonListTable {
  table: 'follows' | 'blocks';
  owner: 'follower_id' | 'blocker_id';
  other: 'followee_id' | 'blocked_id';
}

export interface PersonRow {
  id: string;
  org_id: string;
  display_name: string;
  email: string;
  status: string;
  title: string | null;
}

export const PERSON_COLUMNS = 'u.id, u.org_id, u.display_name, u.email, u.status, u.title';

/**
 * The person a list entry or card names: someone of the caller's own
 * organisation, disabled or not. Anyone else is answered as not found, so
 * ids reveal nothing across organisations.
 */
export async function requirePerson(
  manager: EntityManager,
  caller: Caller,
  personId: string,
): Promise<PersonRow> {
  const [row] = isUuid(personId)
    ? ((await manager.query(
        `SELECT ${PERSON_COLUMNS} FROM users u WHERE u.id = $1 AND u.org_id = $2`,
        [personId.toLowerCase(), caller.orgId],
      )) as PersonRow[])
    : [];
  if (!row) {
    throw PersonListError.personNotFound(personId);
  }

  return row;
}

/**
 * The person a blacklist entry names: anyone on the platform, disabled or
 * not. Conversations span organisations, so someone of another organisation
 * can write to the caller and must be blockable; this reveals no more than
 * GetUsers already answers any signed-in caller.
 */
export async function requireAnyPerson(
  manager: EntityManager,
  personId: string,
): Promise<PersonRow> {
  const [row] = isUuid(personId)
    ? ((await manager.query(`SELECT ${PERSON_COLUMNS} FROM users u WHERE u.id = $1`, [
        personId.toLowerCase(),
      ])) as PersonRow[])
    : [];
  if (!row) {
    throw PersonListError.personNotFound(personId);
  }

  return row;
}

export function toSummary(row: PersonRow): contactLists.PersonSummary {
  return {
    id: row.id,
    orgId: row.org_id,
    displayName: row.display_name,
    email: row.email,
    status: row.status,
    title: row.title ?? '',
  };
}

interface ListedRow extends PersonRow {
  since: string;
}

/**
 * One page of the caller's list, newest entry first. The cursor holds the
 * last entry's time as PostgreSQL wrote it (microseconds) and its id, so
 * entries made in the same millisecond are neither skipped nor repeated;
 * `since` shows that time in milliseconds like every other API time.
 */
export async function listPeople(
  manager: EntityManager,
  list: PersonListTable,
  ownerId: string,
  limit?: number,
  cursor?: string,
): Promise<contactLists.ListedPersonPage> {
  const size = pageLimit(limit, DEFAULT_LIST_PAGE_SIZE, MAX_LIST_PAGE_SIZE);
  const after = cursor ? decodeCursor(cursor, { since: 'timestamp', id: 'uuid' }) : undefined;
  // Served by <table>_<owner>_created_idx: (owner, created_at DESC, other DESC).
  const rows = (await manager.query(
    `SELECT ${PERSON_COLUMNS},
       to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS since
     FROM ${list.table} l JOIN users u ON u.id = l.${list.other}
     WHERE l.${list.owner} = $1
       ${after ? `AND (l.created_at, l.${list.other}) < ($3::timestamptz, $4::uuid)` : ''}
     ORDER BY l.created_at DESC, l.${list.other} DESC
     LIMIT $2`,
    after ? [ownerId, size + 1, after.since, after.id] : [ownerId, size + 1],
  )) as ListedRow[];
  const items = rows.slice(0, size);
  const last = items[items.length - 1];

  return {
    items: items.map((row) => ({ person: toSummary(row), since: displayedSince(row.since) })),
    nextCursor: rows.length > size && last ? encodeCursor({ since: last.since, id: last.id }) : '',
  };
}

/**
 * The time of an entry (written by to_char above in UTC with microseconds) as answered: milliseconds ISO 8601, as `toISOString()`
 * writes every other time of the API. The microseconds stay in the cursor only.
 */
export function displayedSince(since: string): string {
  return new Date(`${since.slice(0, 23)}Z`).toISOString();
}
