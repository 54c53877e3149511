import { EntityManager } from 'typeorm';

import { User } from '../users/user.entity';
import { searchKeys } from './search-keys';

/** Replaces these people's search keys with ones computed from their current names and addresses. */
export async function writeSearchKeys(manager: EntityManager, users: User[]): Promise<void> {
  if (users.length === 0) {
    return;
  }
  await manager.query('DELETE FROM user_search_keys WHERE user_id = ANY($1::uuid[])', [
    users.map((user) => user.id),
  ]);
  const rows = users.flatMap((user) =>
    searchKeys(user).map((key) => ({ orgId: user.orgId, userId: user.id, ...key })),
  );
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
}
