import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Inject,
  Ip,
  Param,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { Caller, SYSTEM_USER_ID, systemCaller } from '@confer/grpc';
import { normaliseCorrelationId } from '@confer/logging';

import { AUTH, AuthClient } from '../clients/service-clients';
import { ApiErrors } from '../http/api-errors';
import { uuidParam } from '../http/validation';
import { AuthenticatedRequest } from './authenticated-request';
import {
  EndedSessionsDto,
  EndSessionsQueryDto,
  LoginDto,
  RefreshDto,
  SessionListDto,
  TokenGrantDto,
} from './auth.dto';
import { CurrentCaller } from './current-caller.decorator';
import { Public } from './public.decorator';
import { RevokedSessions } from './revoked-sessions';
import { toTokenGrantDto } from './token-grant.mapper';
import { VerifiedToken } from './token-verifier';

/** Longest client description kept: a user agent can be long, the list shows a line. */
const CLIENT_MAX_LENGTH = 200;

/**
 * How long this node remembers a session it ended for another token's holder:
 * auth-2fa's ceiling on access-token lifetimes (a day), since this node does not
 * know when that session's last token expires. The SessionRevoked event and the
 * resync carry the exact time.
 */
const LONGEST_ACCESS_TOKEN_MS = 24 * 3600 * 1000;

const REFRESH_ERRORS = [
  'auth.refresh_invalid',
  'auth.refresh_expired',
  'auth.refresh_reused',
  'auth.session_ended',
];

/**
 * Sign-in and sessions: login (mail account or local password), refresh with
 * single-use rotating tokens, the caller's own sessions, and ending them.
 * Ending a session here also puts it in this node's ended-session set at once;
 * other nodes learn it from the SessionRevoked event within moments.
 */
@ApiTags('auth')
@Controller('auth')
export class AuthHttpController {
  constructor(
    @Inject(AUTH) private readonly auth: AuthClient,
    private readonly revoked: RevokedSessions,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: TokenGrantDto })
  @ApiErrors(
    {
      401: ['auth.bad_credentials'],
      429: ['auth.too_many_attempts (with Retry-After)'],
      503: ['mail.server_unavailable (with Retry-After)'],
    },
    { isPublic: true },
  )
  async login(
    @Body() body: LoginDto,
    @Ip() clientIp: string,
    @Headers('user-agent') userAgent: string | undefined,
    @Req() request: AuthenticatedRequest,
  ): Promise<TokenGrantDto> {
    // Nobody is signed in yet: the call is made as the platform, and auth-2fa decides.
    const grant = await this.auth.login(this.platform(request), {
      email: body.email,
      password: body.password,
      deviceName: body.deviceName ?? '',
      clientIp,
      trustedDeviceToken: body.trustedDeviceToken ?? '',
      client: clientOf(body.client, userAgent),
    });

    return toTokenGrantDto(grant);
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({
    type: TokenGrantDto,
    description: 'A new grant; the old refresh token is spent.',
  })
  @ApiErrors({ 401: REFRESH_ERRORS }, { isPublic: true })
  async refresh(
    @Body() body: RefreshDto,
    @Ip() clientIp: string,
    @Headers('user-agent') userAgent: string | undefined,
    @Req() request: AuthenticatedRequest,
  ): Promise<TokenGrantDto> {
    const grant = await this.auth.refresh(this.platform(request), {
      refreshToken: body.refreshToken,
      clientIp,
      client: clientOf(undefined, userAgent),
    });

    return toTokenGrantDto(grant);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'This session has ended: its tokens are refused.' })
  @ApiErrors({ 404: ['session.not_found'] })
  async logout(
    @CurrentCaller() caller: Caller,
    @Req() request: AuthenticatedRequest,
  ): Promise<void> {
    const token = request.token as VerifiedToken;
    if (token.issuer !== 'confer' || !token.sessionId) {
      // A Keycloak session is Keycloak's to end; nothing of it is kept here.
      return;
    }
    await this.auth.revokeSession(caller, { sessionId: token.sessionId });
    this.revoked.add(token.sessionId, token.expiresAt);
  }

  @Get('sessions')
  @ApiOkResponse({ type: SessionListDto })
  @ApiErrors()
  async sessions(
    @CurrentCaller() caller: Caller,
    @Req() request: AuthenticatedRequest,
  ): Promise<SessionListDto> {
    const { items } = await this.auth.listSessions(caller, {
      currentSessionId: currentSessionOf(request),
    });

    return {
      items: items.map((session) => ({
        id: session.id,
        deviceName: session.deviceName,
        client: session.client,
        ip: session.ip,
        createdAt: session.createdAt,
        lastSeenAt: session.lastSeenAt,
        current: session.current,
      })),
    };
  }

  @Delete('sessions/:sessionId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The session has ended: its tokens and sockets are cut.' })
  @ApiErrors({ 404: ['session.not_found'] })
  async endSession(
    @CurrentCaller() caller: Caller,
    @Param('sessionId', uuidParam('sessionId')) sessionId: string,
  ): Promise<void> {
    await this.auth.revokeSession(caller, { sessionId });
    this.revoked.add(sessionId, Date.now() + LONGEST_ACCESS_TOKEN_MS);
  }

  @Delete('sessions')
  @ApiOkResponse({ type: EndedSessionsDto })
  @ApiErrors()
  async endSessions(
    @CurrentCaller() caller: Caller,
    @Query() query: EndSessionsQueryDto,
    @Req() request: AuthenticatedRequest,
  ): Promise<EndedSessionsDto> {
    const keep = query.keepCurrent === 'true' ? currentSessionOf(request) : '';
    const { revoked } = await this.auth.revokeSessions(caller, { exceptSessionId: keep });
    if (!keep) {
      const token = request.token as VerifiedToken;
      this.revoked.add(token.sessionId, token.expiresAt);
    }

    return { revoked };
  }

  private platform(request: AuthenticatedRequest): Caller {
    return systemCaller(SYSTEM_USER_ID, normaliseCorrelationId(request.id));
  }
}

function currentSessionOf(request: AuthenticatedRequest): string {
  const token = request.token;

  return token?.issuer === 'confer' ? token.sessionId : '';
}

function clientOf(named: string | undefined, userAgent: string | undefined): string {
  return (named || userAgent || '').slice(0, CLIENT_MAX_LENGTH);
}
