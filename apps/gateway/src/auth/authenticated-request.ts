import type { Request } from 'express';

import { Caller } from '@confer/grpc';

import { VerifiedToken } from './token-verifier';

/** An HTTP request after the auth guard: `id` is the correlation id pino-http assigned. */
export interface AuthenticatedRequest extends Request {
  id?: unknown;
  caller?: Caller;
  token?: VerifiedToken;
}

/** The token in an Authorization header, or undefined when there is none. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');

  return match?.[1];
}

export function callerOf(token: VerifiedToken, correlationId: string): Caller {
  return { userId: token.userId, orgId: token.orgId, roles: token.roles, correlationId };
}
