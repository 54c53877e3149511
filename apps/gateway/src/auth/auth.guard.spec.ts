import { Controller, ExecutionContext, Get, Post } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';

import { AuthError, ConferError } from '@confer/errors';

import { AdminSettingsHttpController } from '../admin-settings/admin-settings.http.controller';
import { AuditHttpController } from '../audit/audit.http.controller';
import { DirectoryAdminHttpController } from '../directory-admin/directory-admin.http.controller';
import { MailDomainsHttpController } from '../mail-domains/mail-domains.http.controller';
import { ScimTokensHttpController } from '../scim/scim-tokens.http.controller';
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

@Controller('admin/things')
class AdminRoutes {
  @Post()
  create(): void {}
}

@Controller()
class MixedRoutes {
  @Get('me/things')
  mine(): void {}

  @Get('//Admin/things')
  everyones(): void {}
}

/** The gateway's controllers with routes under /admin/, and those routes' handlers. */
const ADMIN_CONTROLLERS = [
  AdminSettingsHttpController,
  AuditHttpController,
  DirectoryAdminHttpController,
  MailDomainsHttpController,
  ScimTokensHttpController,
];

function adminHandlers(): { controller: object; name: string; handler: object }[] {
  return ADMIN_CONTROLLERS.flatMap((controller) =>
    Object.getOwnPropertyNames(controller.prototype)
      .filter((name) => name !== 'constructor')
      .map((name) => ({
        controller,
        name: `${controller.name}.${name}`,
        handler: (controller.prototype as Record<string, object>)[name],
      }))
      .filter(({ handler }) => {
        const route = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        const prefix = Reflect.getMetadata(PATH_METADATA, controller) as string;

        return route !== undefined && `${prefix}/${route}`.replace(/^\/+/, '').startsWith('admin');
      }),
  );
}

function contextOn(controller: object, handler: object, token: string) {
  const request = {
    headers: { authorization: `Bearer ${token}` },
    path: '/api/v1/admin',
    method: 'POST',
    id: 'corr-1',
  } as unknown as AuthenticatedRequest;

  return {
    getType: () => 'http',
    getHandler: () => handler,
    getClass: () => controller,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

describe(AuthGuard.name, () => {
  const verifier: TokenVerifier = {
    verify: async (token) => {
      if (token === 'good') {
        return VERIFIED;
      }
      if (token === 'member') {
        return { ...VERIFIED, roles: [] };
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

  describe('routes under /admin/', () => {
    const guard = () => new AuthGuard(new Reflector(), verifier, openGate, noneRevoked);

    it('refuses members with auth.forbidden before any pipe reads the request', async () => {
      const handlers = adminHandlers();

      const outcomes = await Promise.all(
        handlers.map(({ controller, handler }) =>
          guard()
            .canActivate(contextOn(controller, handler, 'member'))
            .then(
              () => 'admitted',
              (error: ConferError) => `${error.httpStatus} ${error.code}`,
            ),
        ),
      );

      expect(handlers.length).toBeGreaterThanOrEqual(14);
      expect(
        Object.fromEntries(handlers.map(({ name }, index) => [name, outcomes[index]])),
      ).toEqual(Object.fromEntries(handlers.map(({ name }) => [name, '403 auth.forbidden'])));
    });

    it('admits administrators', async () => {
      const outcomes = await Promise.all(
        adminHandlers().map(({ controller, handler }) =>
          guard().canActivate(contextOn(controller, handler, 'good')),
        ),
      );

      expect(outcomes.every((outcome) => outcome === true)).toBe(true);
    });

    it('recognises an admin route however its path is spelled, and only those', async () => {
      const member = (handler: object, controller: object) =>
        guard().canActivate(contextOn(controller, handler, 'member'));

      await expect(member(AdminRoutes.prototype.create, AdminRoutes)).rejects.toMatchObject({
        code: 'auth.forbidden',
      });
      await expect(member(MixedRoutes.prototype.everyones, MixedRoutes)).rejects.toMatchObject({
        code: 'auth.forbidden',
      });
      await expect(member(MixedRoutes.prototype.mine, MixedRoutes)).resolves.toBe(true);
    });
  });
});
