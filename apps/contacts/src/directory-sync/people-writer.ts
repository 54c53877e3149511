import { randomUUID } from 'node:crypto';

import { EntityManager } from 'typeorm';

import { OutboxEvent } from '@confer/events';

import { User } from '../users/user.entity';
import { PersonRecord } from './directory-records';
import { EntryRef } from './ldap-directory';
import { SyncReport } from './sync-report';

export interface PeopleChanges {
  /** Users whose search keys must be computed again. */
  rekey: User[];
  /** Users created in this run: their department changes are not moves. */
  created: Set<string>;
  /** Every user of the organisation after the changes, by id. */
  users: Map<string, User>;
  events: OutboxEvent[];
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

/**
 * Applies person records: creates new people, updates changed ones, disables
 * those the directory marks disabled, and adopts a person added by hand with
 * the same address. An address another person already holds (here or in
 * another organisation, or earlier in this run) is a duplicate_mail failure,
 * decided before writing so that no unique violation aborts the run.
 */
export async function writePeople(
  manager: EntityManager,
  orgId: string,
  records: PersonRecord[],
  report: SyncReport,
  subject: Subject,
  onProcessed: () => Promise<void>,
): Promise<PeopleChanges> {
  const existing = await manager.find(User, { where: { orgId } });
  const users = new Map(existing.map((user) => [user.id, user]));
  const bySource = new Map(
    existing.flatMap((user) => (user.sourceId ? [[user.sourceId, user]] : [])),
  );
  const byEmail = new Map(existing.map((user) => [user.email, user]));
  const elsewhere = await addressesHeldElsewhere(manager, orgId, records);
  const changes: PeopleChanges = { rekey: [], created: new Set(), users, events: [] };
  const now = new Date().toISOString();

  for (const record of records) {
    await onProcessed();
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
    } as Partial<User>;

    if (!user) {
      const id = randomUUID();
      await manager.insert(User, { id, orgId, roles: [], ...fields });
      const created = { id, orgId, roles: [], ...fields } as User;
      users.set(id, created);
      byEmail.set(record.email, created);
      changes.created.add(id);
      changes.rekey.push(created);
      changes.events.push({
        subject: subject('user.created'),
        payload: { orgId, userId: id, email: record.email, occurredAt: now },
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
    await manager.update(User, { id: user.id }, fields);
    if (user.title !== record.title) {
      await manager.query('UPDATE user_departments SET title = $2 WHERE user_id = $1', [
        user.id,
        record.title,
      ]);
    }
    byEmail.delete(user.email);
    Object.assign(user, fields);
    byEmail.set(user.email, user);
    changes.rekey.push(user);
    if (statusChanged && status === 'disabled') {
      report.disabled += 1;
      changes.events.push(disabledEvent(subject, user, 'disabled_in_directory', now));
    }
    if (profileChanged || (statusChanged && status === 'active')) {
      report.updated += 1;
    }
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
): Promise<void> {
  const present = new Map(refs.map((ref) => [ref.sourceId, ref.dn]));
  const now = new Date().toISOString();
  const moved: { id: string; dn: string }[] = [];
  for (const user of changes.users.values()) {
    if (!user.sourceId) {
      continue;
    }
    const dn = present.get(user.sourceId);
    if (dn === undefined && user.status === 'active') {
      await manager.update(User, { id: user.id }, { status: 'disabled' });
      user.status = 'disabled';
      report.disabled += 1;
      changes.events.push(disabledEvent(subject, user, 'removed_from_directory', now));
    } else if (dn !== undefined && dn !== user.sourceDn) {
      user.sourceDn = dn;
      moved.push({ id: user.id, dn });
    }
  }
  if (moved.length > 0) {
    await manager.query(
      `UPDATE users SET source_dn = m.dn
       FROM unnest($1::uuid[], $2::text[]) AS m (id, dn) WHERE users.id = m.id`,
      [moved.map((row) => row.id), moved.map((row) => row.dn)],
    );
  }
}

function disabledEvent(
  subject: Subject,
  user: User,
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
): Promise<Set<string>> {
  if (records.length === 0) {
    return new Set();
  }
  // Served by users_email_key.
  const rows: { email: string }[] = await manager.query(
    'SELECT email FROM users WHERE email = ANY($1::text[]) AND org_id <> $2',
    [records.map((record) => record.email), orgId],
  );

  return new Set(rows.map((row) => row.email));
}
