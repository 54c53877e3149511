import { Metadata } from '@grpc/grpc-js';
import { AuthError } from '@confer/errors';
import { CORRELATION_HEADER, normaliseCorrelationId } from '@confer/logging';

/**
 * Who a call acts for. The gateway sets it from the verified token; services
 * read it from metadata and decide authorisation themselves.
 */
export interface Caller {
  userId: string;
  orgId: string;
  roles: string[];
  correlationId: string;
}

/** A caller standing for the platform itself (seeding, relays, consumers). */
export const SYSTEM_USER_ID = '00000000-0000-0000-0000-000000000000';

const USER_KEY = 'x-confer-user-id';
const ORG_KEY = 'x-confer-org-id';
const ROLES_KEY = 'x-confer-roles';

export function callerMetadata(caller: Caller): Metadata {
  const metadata = new Metadata();
  metadata.set(USER_KEY, caller.userId);
  metadata.set(ORG_KEY, caller.orgId);
  metadata.set(ROLES_KEY, caller.roles.join(','));
  metadata.set(CORRELATION_HEADER, caller.correlationId);

  return metadata;
}

function first(metadata: Metadata, key: string): string {
  const value = metadata.get(key)[0];

  return typeof value === 'string' ? value : '';
}

/** The caller named in a call's metadata; a call without one is refused. */
export function callerFromMetadata(metadata: Metadata | undefined): Caller {
  if (!metadata) {
    throw AuthError.missingCaller();
  }
  const userId = first(metadata, USER_KEY);
  const orgId = first(metadata, ORG_KEY);
  if (!userId || !orgId) {
    throw AuthError.missingCaller();
  }
  const roles = first(metadata, ROLES_KEY);

  return {
    userId,
    orgId,
    roles: roles ? roles.split(',') : [],
    correlationId: normaliseCorrelationId(first(metadata, CORRELATION_HEADER)),
  };
}

export function isSystemCaller(caller: Caller): boolean {
  return caller.userId === SYSTEM_USER_ID && caller.roles.includes('system');
}

export function systemCaller(orgId: string, correlationId: string): Caller {
  return { userId: SYSTEM_USER_ID, orgId, roles: ['system'], correlationId };
}
