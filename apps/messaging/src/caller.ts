import { Metadata } from '@grpc/grpc-js';

import { ConferError } from '@confer/errors';
import { Caller, callerFromMetadata } from '@confer/grpc';

import { isUuid } from './conversations/ids';

/** The caller of a gRPC call; user and organisation ids must be UUIDs, as every table stores them. */
export function requireCaller(metadata: Metadata | undefined): Caller {
  const caller = callerFromMetadata(metadata);
  if (!isUuid(caller.userId) || !isUuid(caller.orgId)) {
    throw new ConferError(
      'unauthenticated',
      'auth.caller_invalid',
      'The caller identity must name user and organisation by UUID.',
    );
  }

  // Ids come back from PostgreSQL in lower case; compare like with like.
  return { ...caller, userId: caller.userId.toLowerCase(), orgId: caller.orgId.toLowerCase() };
}
