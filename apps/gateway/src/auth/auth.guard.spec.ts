import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import { AuthError, ConferError } from '@confer/errors';

import { AuthGuard } from './auth.guard';
import { AuthenticatedRequest } from './authenticated-request';
import { Public } from './public.decorator';
import { RevokedSessions, sessionEnded } from './revoked-sessions';
import { SessionGate, TokenVerifier, VerifiedToken } from './token-verifier';

const VERIFIED: VerifiedToken = {
  userId: 'user-1',
  orgId: 'org-1',
  roles: ['org_admin'],
  sessionId: 's-1',
  expiresAt: Date.now() + 60_000,
  issuer: 'confer',
};

class Routes {
  guarded(): void {}

  @Public()
  open(): void {}
}

function contextFor(handler: keyof Routes, headers: Record<string, string> = {}) {
  const request = {
    headers,
    path: '/api/v1/me',
    method: 'GET',
    id: 'corr-1',
  } as unknown as AuthenticatedRequest;
  const context = {
    getType: () => 'http',
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;

  return { context, request };
}

describe(AuthGuard.name, () => {
  const verifier: TokenVerifier = {
    verify: async (token) => {
      if (token === 'good') {
        return VERIFIED;
      }
      throw AuthError.invalidToken('bad signature');
    },
  };
  const openGate: SessionGate = { admit: async () => undefined };
  const noneRevoked = { assertLive: () => undefined } as unknown as RevokedSessions;
  const s1Revoked = {
    assertLive: (sessionId: string) => {
      if (sessionId === 's-1') {
        throw sessionEnded();
      }
    },
  } as unknown as RevokedSessions;

  it('refuses a token of an ended session with auth.session_ended', async () => {
    const guard = new AuthGuard(new Reflector(), verifier, openGate, s1Revoked);
    const { context, request } = contextFor('guarded', { authorization: 'Bearer good' });

    await expect(guard.canActivate(context)).rejects.toMatchObject({
      code: 'auth.session_ended',
    });
    expect(request.caller).toBeUndefined();
  });

  it('lets @Public() routes through without a token', async () => {
    const guard = new AuthGuard(new Reflector(), verifier, openGate, noneRevoked);

    await expect(guard.canActivate(contextFor('open').context)).resolves.toBe(true);
  });

  it('answers auth.token_missing without a bearer token', async () => {
    const guard = new AuthGuard(new Reflector(), verifier, openGate, noneRevoked);

    await expect(
      guard.canActivate(contextFor('guarded', { authorization: 'Basic abc' }).context),
    ).rejects.toMatchObject({
      code: 'auth.token_missing',
    });
  });

  it('passes the verifier refusal through', async () => {
    const guard = new AuthGuard(new Reflector(), verifier, openGate, noneRevoked);

    await expect(
      guard.canActivate(contextFor('guarded', { authorization: 'Bearer bad' }).context),
    ).rejects.toMatchObject({
      code: 'auth.token_invalid',
    });
  });

  it('attaches the caller with the request correlation id', async () => {
    const guard = new AuthGuard(new Reflector(), verifier, openGate, noneRevoked);
    const { context, request } = contextFor('guarded', { authorization: 'Bearer good' });

    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(request.caller).toEqual({
      userId: 'user-1',
      orgId: 'org-1',
      roles: ['org_admin'],
      correlationId: 'corr-1',
    });
  });

  it('lets the session gate refuse a verified token', async () => {
    const gate: SessionGate = {
      admit: async () => {
        throw new ConferError('forbidden', 'auth.second_factor_required', 'Second factor needed.');
      },
    };
    const guard = new AuthGuard(new Reflector(), verifier, gate, noneRevoked);
    const { context, request } = contextFor('guarded', { authorization: 'Bearer good' });

    await expect(guard.canActivate(context)).rejects.toMatchObject({
      code: 'auth.second_factor_required',
    });
    expect(request.caller).toBeUndefined();
  });
});
