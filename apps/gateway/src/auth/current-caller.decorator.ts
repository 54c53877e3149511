import { createParamDecorator, ExecutionContext } from '@nestjs/common';

import { AuthError } from '@confer/errors';
import { Caller } from '@confer/grpc';

import { AuthenticatedRequest } from './authenticated-request';

/** The verified caller of the request, as the auth guard attached it. */
export const CurrentCaller = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Caller => {
    const caller = context.switchToHttp().getRequest<AuthenticatedRequest>().caller;
    if (!caller) {
      // Only reachable if a @Public() route asks for a caller: a programming error, refused safely.
      throw AuthError.missingToken();
    }

    return caller;
  },
);
