import { EntityManager } from 'typeorm';

import { User } from '../users/user.entity';
import { hasChineseName, SearchKey, searchKeys } from './search-keys';

/** What keys are computed from, and whose they are. */
export type KeyedPerson = Pick<
  User,
  'id' | 'orgId' | 'displayName' | 'surname' | 'givenName' | 'email' | 'secondaryEmails'
>;

/** People per statement pair: about 7 keys each, so some 14,000 rows per insert. */
export const SEARCH_KEY_BATCH = 2_000;

/**
 * Replaces these people's search keys with ones computed from their current
 * names and addresses, a batch of people per delete and insert, so that a
 * directory sync of 100,000 people is a hundred statements, not one per person
 * nor one carrying 700,000 rows. The next batch's keys are computed while the
 * database writes the previous one.
 */
export async function writeSearchKeys(
  manager: EntityManager,
  users: KeyedPerson[],
  batchSize = SEARCH_KEY_BATCH,
): Promise<void> {
  const keysOf = memoisedKeys();
  const step = Math.max(1, Math.floor(batchSize));
  let writing: Promise<void> = Promise.resolve();
  for (let start = 0; start < users.length; start += step) {
    const batch = users.slice(start, start + step);
    const rows = batch.flatMap((user) =>
      keysOf(user).map((key) => ({ orgId: user.orgId, userId: user.id, ...key })),
    );
    await writing;
    writing = (async () => {
      await manager.query('DELETE FROM user_search_keys WHERE user_id = ANY($1::uuid[])', [
        batch.map((user) => user.id),
      ]);
      await manager.query(
        `INSERT INTO user_search_keys (org_id, user_id, kind, key)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[])`,
        [
          rows.map((row) => row.orgId),
          rows.map((row) => row.userId),
          rows.map((row) => row.kind),
          rows.map((row) => row.key),
        ],
      );
    })();
    // A failed write must not go unobserved while the next batch is computed.
    writing.catch(() => undefined);
  }
  await writing;
}

/**
 * Recomputes the keys of everyone keyed so far whose name has Chinese characters
 * (display name, surname or given name): the people whose keys the current
 * searchKeys computes differently from earlier versions (keys of the Chinese
 * part of a mixed-script name, the given name's own kinds and initials). Others'
 * keys are left alone, as are people never keyed (added by hand). Reads people
 * in id order a batch at a time, so memory stays one batch whatever the
 * directory's size. Answers how many people were rekeyed.
 */
export async function rekeyChineseNames(
  manager: EntityManager,
  batchSize = SEARCH_KEY_BATCH,
): Promise<number> {
  const step = Math.max(1, Math.floor(batchSize));
  let after = '00000000-0000-0000-0000-000000000000';
  let rekeyed = 0;
  for (;;) {
    const rows: {
      id: string;
      org_id: string;
      display_name: string;
      surname: string | null;
      given_name: string | null;
      email: string;
      secondary_emails: string[];
    }[] = await manager.query(
      `SELECT u.id, u.org_id, u.display_name, u.surname, u.given_name, u.email, u.secondary_emails
       FROM users u
       WHERE u.id > $1::uuid
         AND EXISTS (SELECT 1 FROM user_search_keys k WHERE k.user_id = u.id)
       ORDER BY u.id
       LIMIT $2`,
      [after, step],
    );
    if (rows.length === 0) {
      return rekeyed;
    }
    after = rows[rows.length - 1].id;
    const people: KeyedPerson[] = rows
      .map((row) => ({
        id: row.id,
        orgId: row.org_id,
        displayName: row.display_name,
        surname: row.surname,
        givenName: row.given_name,
        email: row.email,
        secondaryEmails: row.secondary_emails,
      }))
      .filter(hasChineseName);
    await writeSearchKeys(manager, people, step);
    rekeyed += people.length;
  }
}

/**
 * searchKeys, with the keys of a name (the costly pinyin) computed once per
 * distinct name: many people share one (王伟, 张伟). The name's keys and the
 * addresses' keys are independent, so they are computed apart and joined.
 */
function memoisedKeys(): (person: KeyedPerson) => SearchKey[] {
  const byName = new Map<string, SearchKey[]>();

  return (person) => {
    const name = JSON.stringify([person.displayName, person.surname, person.givenName]);
    let nameKeys = byName.get(name);
    if (!nameKeys) {
      nameKeys = searchKeys({
        displayName: person.displayName,
        surname: person.surname,
        givenName: person.givenName,
        email: '',
      });
      byName.set(name, nameKeys);
    }
    const addressKeys = searchKeys({
      displayName: '',
      email: person.email,
      secondaryEmails: person.secondaryEmails,
    });

    return [...nameKeys, ...addressKeys];
  };
}
