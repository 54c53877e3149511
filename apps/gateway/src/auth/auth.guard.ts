import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import { AuthError } from '@confer/errors';
import { normaliseCorrelationId } from '@confer/logging';

import { AuthenticatedRequest, bearerToken, callerOf } from './authenticated-request';
import { IS_PUBLIC } from './public.decorator';
import { RevokedSessions } from './revoked-sessions';
import { isAdminRoute, requireOrgAdmin } from './roles';
import { SESSION_GATE, SessionGate, TOKEN_VERIFIER, TokenVerifier } from './token-verifier';

/**
 * The global guard: every HTTP route needs a valid bearer token unless marked
 * @Public(). Verification and the session gate are the two seams: which issuer
 * signed the token, and whether the session may use this route yet. Routes
 * under /admin/ are for organisation administrators only.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(SESSION_GATE) private readonly gate: SessionGate,
    private readonly revoked: RevokedSessions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') {
      return true;
    }
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) {
      return true;
    }
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request.headers.authorization);
    if (!token) {
      throw AuthError.missingToken();
    }
    const verified = await this.verifier.verify(token);
    if (verified.issuer === 'confer') {
      // A signed-out session's tokens stay valid until exp; the set refuses them at once.
      this.revoked.assertLive(verified.sessionId);
    }
    await this.gate.admit(verified, { path: request.path, method: request.method });
    request.token = verified;
    request.caller = callerOf(verified, normaliseCorrelationId(request.id));
    // Decided here, before any pipe: a member is told 403, not what is wrong with a body they
    // may not send at all.
    if (isAdminRoute(context.getClass(), context.getHandler())) {
      requireOrgAdmin(request.caller);
    }

    return true;
  }
}
