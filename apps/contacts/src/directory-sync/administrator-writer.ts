import { EntityManager } from 'typeorm';

import { ORG_ADMIN_ROLE } from '../users/user-input';
import { normaliseDn } from './ldap-directory';
import { PeopleChanges } from './people-writer';

/**
 * Gives the administrator role to the synced people the directory's
 * administrators group lists and takes it from every other synced person, so
 * that removing someone from the group in the directory ends their
 * administration here at the next run. People added by hand keep their roles.
 */
export async function writeAdministrators(
  manager: EntityManager,
  people: PeopleChanges,
  memberDns: string[],
): Promise<void> {
  const administrators = new Set(memberDns.map(normaliseDn));
  const grant: string[] = [];
  const revoke: string[] = [];
  for (const user of people.users.values()) {
    if (!user.sourceId || !user.sourceDn) {
      continue;
    }
    const listed = administrators.has(normaliseDn(user.sourceDn));
    const holds = user.roles.includes(ORG_ADMIN_ROLE);
    if (listed && !holds) {
      grant.push(user.id);
      user.roles = [...user.roles, ORG_ADMIN_ROLE];
    } else if (!listed && holds) {
      revoke.push(user.id);
      user.roles = user.roles.filter((role) => role !== ORG_ADMIN_ROLE);
    }
  }
  if (grant.length > 0) {
    await manager.query(
      `UPDATE users SET roles = array_append(roles, $2), updated_at = now() WHERE id = ANY($1::uuid[])`,
      [grant, ORG_ADMIN_ROLE],
    );
  }
  if (revoke.length > 0) {
    await manager.query(
      `UPDATE users SET roles = array_remove(roles, $2), updated_at = now() WHERE id = ANY($1::uuid[])`,
      [revoke, ORG_ADMIN_ROLE],
    );
  }
}
