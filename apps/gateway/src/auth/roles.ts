import { AuthError } from '@confer/errors';
import { Caller } from '@confer/grpc';

export const ORG_ADMIN = 'org_admin';

/** Refuses with 403 unless the caller administers their organisation. */
export function requireOrgAdmin(caller: Caller): void {
  if (!caller.roles.includes(ORG_ADMIN)) {
    throw AuthError.forbidden('Only organisation administrators may do this.');
  }
}
