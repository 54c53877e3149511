import { randomUUID } from 'node:crypto';

import { EntityManager } from 'typeorm';

import { OutboxEvent } from '@confer/events';

import { User } from '../users/user.entity';
import { batches } from './apply-batches';
import { PersonRecord } from './directory-records';
import { EntryRef } from './ldap-directory';
import { SyncReport } from './sync-report';

/** The columns of a person a run compares, writes and derives keys and memberships from. */
export type SyncedUser = Pick<
  User,
  | 'id'
  | 'orgId'
  | 'email'
  | 'secondaryEmails'
  | 'displayName'
  | 'surname'
  | 'givenName'
  | 'title'
  | 'deskPhone'
  | 'mobile'
  | 'employeeNumber'
  | 'status'
  | 'roles'
  | 'sourceId'
  | 'sourceDn'
>;

export interface PeopleChanges {
  /** Users whose search keys must be computed again. */
  rekey: SyncedUser[];
  /** Users created in this run: their department changes are not moves. */
  created: Set<string>;
  /** Every user of the organisation after the changes, by id. */
  users: Map<string, SyncedUser>;
  events: OutboxEvent[];
}

export interface PeopleWriteOptions {
  /** Rows per statement. */
  batchSize: number;
  /** Called after each batch with the number of records it covered. */
  onProgress: (records: number) => Promise<void>;
}

type Subject = (event: string) => string;

const PROFILE_FIELDS = [
  'displayName',
  'surname',
  'givenName',
  'title',
  'deskPhone',
  'mobile',
  'employeeNumber',
] as const;

/** The columns a run writes for a person, in the order of the batched statements' arrays. */
const WRITTEN = [
  ['email', 'text'],
  ['secondary_emails', 'text'],
  ['display_name', 'text'],
  ['surname', 'text'],
  ['given_name', 'text'],
  ['title', 'text'],
  ['desk_phone', 'text'],
  ['mobile', 'text'],
  ['employee_number', 'text'],
  ['status', 'text'],
  ['source_id', 'text'],
  ['source_dn', 'text'],
] as const;

/**
 * Every user of the organisation with the columns a run needs, read as plain
 * rows (no entity hydration: at 100,000 people that alone took seconds).
 */
export async function loadPeople(
  manager: EntityManager,
  orgId: string,
): Promise<Map<string, SyncedUser>> {
  // Served by users_org_created_idx (org_id leads).
  const rows: Record<string, unknown>[] = await manager.query(
    `SELECT id, org_id, email, secondary_emails, display_name, surname, given_name, title,
            desk_phone, mobile, employee_number, status, roles, source_id, source_dn
     FROM users WHERE org_id = $1`,
    [orgId],
  );

  return new Map(
    rows.map((row) => [
      row.id as string,
      {
        id: row.id,
        orgId: row.org_id,
        email: row.email,
        secondaryEmails: row.secondary_emails,
        displayName: row.display_name,
        surname: row.surname,
        givenName: row.given_name,
        title: row.title,
        deskPhone: row.desk_phone,
        mobile: row.mobile,
        employeeNumber: row.employee_number,
        status: row.status,
        roles: row.roles,
        sourceId: row.source_id,
        sourceDn: row.source_dn,
      } as SyncedUser,
    ]),
  );
}

/**
 * Applies person records: creates new people, updates changed ones, disables
 * those the directory marks disabled, and adopts a person added by hand with
 * the same address. An address another person already holds (here or in
 * another organisation, or earlier in this run) is a duplicate_mail failure,
 * decided before writing so that no unique violation aborts the run.
 *
 * Everything is decided in memory first, then written in batches: updates,
 * then creations. A change that takes an address another person of this run
 * gave up (a swap, a chain of renames) is written after those, one at a
 * time in the order decided, so the address is free when it is taken.
 */
export async function writePeople(
  manager: EntityManager,
  orgId: string,
  users: Map<string, SyncedUser>,
  records: PersonRecord[],
  report: SyncReport,
  subject: Subject,
  options: PeopleWriteOptions,
): Promise<PeopleChanges> {
  const bySource = new Map<string, SyncedUser>();
  const byEmail = new Map<string, SyncedUser>();
  for (const user of users.values()) {
    if (user.sourceId) {
      bySource.set(user.sourceId, user);
    }
    byEmail.set(user.email, user);
  }
  const elsewhere = await addressesHeldElsewhere(manager, orgId, records, options.batchSize);
  const changes: PeopleChanges = { rekey: [], created: new Set(), users, events: [] };
  const now = new Date().toISOString();
  const inserts: SyncedUser[] = [];
  const updates: SyncedUser[] = [];
  const retitled: SyncedUser[] = [];
  /** Writes that take an address given up earlier in this run, in the order decided. */
  const late: { user: SyncedUser; insert: boolean }[] = [];
  const freed = new Set<string>();

  for (const record of records) {
    const holder = byEmail.get(record.email);
    const user = bySource.get(record.sourceId) ?? (holder && !holder.sourceId ? holder : undefined);
    if (elsewhere.has(record.email) || (holder && holder !== user)) {
      report.failures.push({
        sourceId: record.sourceId,
        dn: record.dn,
        reason: 'duplicate_mail',
        detail: `${record.email} belongs to someone else`,
      });
      continue;
    }
    const status = record.disabled ? 'disabled' : 'active';
    const fields = {
      email: record.email,
      secondaryEmails: record.secondaryEmails,
      status,
      sourceId: record.sourceId,
      sourceDn: record.dn,
      ...Object.fromEntries(PROFILE_FIELDS.map((field) => [field, record[field]])),
    } as Partial<SyncedUser>;

    if (!user) {
      const created = { id: randomUUID(), orgId, roles: [], ...fields } as SyncedUser;
      users.set(created.id, created);
      byEmail.set(record.email, created);
      if (freed.has(record.email)) {
        late.push({ user: created, insert: true });
      } else {
        inserts.push(created);
      }
      changes.created.add(created.id);
      changes.rekey.push(created);
      changes.events.push({
        subject: subject('user.created'),
        payload: { orgId, userId: created.id, email: record.email, occurredAt: now },
      });
      report.created += 1;
      continue;
    }

    const profileChanged =
      user.email !== record.email ||
      user.secondaryEmails.join() !== record.secondaryEmails.join() ||
      PROFILE_FIELDS.some((field) => user[field] !== record[field]);
    const statusChanged = user.status !== status;
    if (
      !profileChanged &&
      !statusChanged &&
      user.sourceId === record.sourceId &&
      user.sourceDn === record.dn
    ) {
      continue;
    }
    if (user.title !== record.title) {
      retitled.push(user);
    }
    if (user.email !== record.email) {
      byEmail.delete(user.email);
      freed.add(user.email);
    }
    const takesFreed = user.email !== record.email && freed.has(record.email);
    Object.assign(user, fields);
    byEmail.set(user.email, user);
    if (takesFreed) {
      late.push({ user, insert: false });
    } else {
      updates.push(user);
    }
    changes.rekey.push(user);
    if (statusChanged && status === 'disabled') {
      report.disabled += 1;
      changes.events.push(disabledEvent(subject, user, 'disabled_in_directory', now));
    }
    if (profileChanged || (statusChanged && status === 'active')) {
      report.updated += 1;
    }
  }

  // Decided everything; records that changed nothing count as processed at once.
  const unchanged = records.length - inserts.length - updates.length - late.length;
  await options.onProgress(unchanged);
  for (const batch of batches(updates, options.batchSize)) {
    await updateUsers(manager, batch);
    await options.onProgress(batch.length);
  }
  for (const batch of batches(inserts, options.batchSize)) {
    await insertUsers(manager, batch);
    await options.onProgress(batch.length);
  }
  for (const { user, insert } of late) {
    await (insert ? insertUsers(manager, [user]) : updateUsers(manager, [user]));
  }
  await options.onProgress(late.length);
  // A membership carries the title the person has in the directory.
  for (const batch of batches(retitled, options.batchSize)) {
    await manager.query(
      `UPDATE user_departments ud SET title = t.title
       FROM unnest($1::uuid[], $2::text[]) AS t (user_id, title) WHERE ud.user_id = t.user_id`,
      [batch.map((user) => user.id), batch.map((user) => user.title)],
    );
  }

  return changes;
}

/**
 * Disables people synced from the directory whose entries are gone, and
 * refreshes the DN of everyone still there (renamed entries), which group
 * members are resolved by.
 */
export async function retirePeople(
  manager: EntityManager,
  refs: EntryRef[],
  changes: PeopleChanges,
  report: SyncReport,
  subject: Subject,
  batchSize: number,
): Promise<void> {
  const present = new Map(refs.map((ref) => [ref.sourceId, ref.dn]));
  const now = new Date().toISOString();
  const moved: { id: string; dn: string }[] = [];
  const gone: string[] = [];
  for (const user of changes.users.values()) {
    if (!user.sourceId) {
      continue;
    }
    const dn = present.get(user.sourceId);
    if (dn === undefined && user.status === 'active') {
      gone.push(user.id);
      user.status = 'disabled';
      report.disabled += 1;
      changes.events.push(disabledEvent(subject, user, 'removed_from_directory', now));
    } else if (dn !== undefined && dn !== user.sourceDn) {
      user.sourceDn = dn;
      moved.push({ id: user.id, dn });
    }
  }
  for (const batch of batches(gone, batchSize)) {
    await manager.query(
      `UPDATE users SET status = 'disabled', updated_at = now() WHERE id = ANY($1::uuid[])`,
      [batch],
    );
  }
  for (const batch of batches(moved, batchSize)) {
    await manager.query(
      `UPDATE users SET source_dn = m.dn
       FROM unnest($1::uuid[], $2::text[]) AS m (id, dn) WHERE users.id = m.id`,
      [batch.map((row) => row.id), batch.map((row) => row.dn)],
    );
  }
}

/** The written columns of these users as one array per column (secondary addresses as JSON). */
function columns(users: SyncedUser[]): unknown[][] {
  return [
    users.map((user) => user.email),
    users.map((user) => JSON.stringify(user.secondaryEmails)),
    users.map((user) => user.displayName),
    users.map((user) => user.surname),
    users.map((user) => user.givenName),
    users.map((user) => user.title),
    users.map((user) => user.deskPhone),
    users.map((user) => user.mobile),
    users.map((user) => user.employeeNumber),
    users.map((user) => user.status),
    users.map((user) => user.sourceId),
    users.map((user) => user.sourceDn),
  ];
}

// Arrays of arrays cannot be passed through unnest (it flattens them), so each person's
// secondary addresses travel as a JSON array and are turned back into text[] here.
const SECONDARY_EMAILS = `ARRAY(SELECT jsonb_array_elements_text(v.secondary_emails::jsonb))`;
const UNNEST = `unnest($1::uuid[], ${WRITTEN.map(([, type], index) => `$${index + 2}::${type}[]`).join(', ')})
  AS v (id, ${WRITTEN.map(([name]) => name).join(', ')})`;

async function insertUsers(manager: EntityManager, users: SyncedUser[]): Promise<void> {
  await manager.query(
    `INSERT INTO users (id, org_id, roles, ${WRITTEN.map(([name]) => name).join(', ')})
     SELECT v.id, $${WRITTEN.length + 2}::uuid, '{}'::text[], ${WRITTEN.map(([name]) =>
       name === 'secondary_emails' ? SECONDARY_EMAILS : `v.${name}`,
     ).join(', ')}
     FROM ${UNNEST}`,
    [users.map((user) => user.id), ...columns(users), users[0].orgId],
  );
}

async function updateUsers(manager: EntityManager, users: SyncedUser[]): Promise<void> {
  await manager.query(
    `UPDATE users SET ${WRITTEN.map(([name]) =>
      name === 'secondary_emails' ? `${name} = ${SECONDARY_EMAILS}` : `${name} = v.${name}`,
    ).join(', ')}, updated_at = now()
     FROM ${UNNEST} WHERE users.id = v.id`,
    [users.map((user) => user.id), ...columns(users)],
  );
}

function disabledEvent(
  subject: Subject,
  user: SyncedUser,
  reason: string,
  occurredAt: string,
): OutboxEvent {
  return {
    subject: subject('user.disabled'),
    payload: { orgId: user.orgId, userId: user.id, email: user.email, reason, occurredAt },
  };
}

/** Addresses of these records that a user of another organisation holds. */
async function addressesHeldElsewhere(
  manager: EntityManager,
  orgId: string,
  records: PersonRecord[],
  batchSize: number,
): Promise<Set<string>> {
  const held = new Set<string>();
  // Served by users_email_key; larger slices than the writes, as this only reads.
  for (const batch of batches(records, batchSize * 10)) {
    const rows: { email: string }[] = await manager.query(
      'SELECT email FROM users WHERE email = ANY($1::text[]) AND org_id <> $2',
      [batch.map((record) => record.email), orgId],
    );
    rows.forEach((row) => held.add(row.email));
  }

  return held;
}
