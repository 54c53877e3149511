import { Body, Controller, Headers, HttpCode, Inject, Ip, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { AuthError } from '@confer/errors';
import { SYSTEM_USER_ID, systemCaller } from '@confer/grpc';
import { normaliseCorrelationId } from '@confer/logging';

import { AUTH, AuthClient } from '../clients/service-clients';
import { ApiErrors } from '../http/api-errors';
import { TokenGrantDto } from './auth.dto';
import { AuthenticatedRequest } from './authenticated-request';
import { SsoExchangeDto } from './keycloak-sso.dto';
import { KEYCLOAK_VERIFIER } from './keycloak-sso.providers';
import { KeycloakTokenVerifier } from './keycloak-token-verifier';
import { Public } from './public.decorator';
import { toTokenGrantDto } from './token-grant.mapper';

/**
 * The SSO way in: a Keycloak access token is exchanged for an ordinary
 * Confer session (the same tokens, refresh, session list and second factor
 * as a password login). The token is verified here; auth-2fa starts the
 * session for the directory user it maps to.
 */
@ApiTags('auth')
@Controller('auth')
export class KeycloakSsoHttpController {
  constructor(
    @Inject(AUTH) private readonly auth: AuthClient,
    @Inject(KEYCLOAK_VERIFIER) private readonly keycloak: KeycloakTokenVerifier | null,
  ) {}

  @Post('sso')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a Keycloak access token for a Confer session' })
  @ApiOkResponse({ type: TokenGrantDto })
  @ApiErrors(
    { 401: ['auth.token_invalid', 'auth.token_expired', 'auth.unknown_user'] },
    { isPublic: true },
  )
  async exchange(
    @Body() body: SsoExchangeDto,
    @Ip() clientIp: string,
    @Headers('user-agent') userAgent: string | undefined,
    @Req() request: AuthenticatedRequest,
  ): Promise<TokenGrantDto> {
    if (!this.keycloak) {
      throw AuthError.invalidToken('no Keycloak realm is configured');
    }
    const verified = await this.keycloak.verifyForExchange(body.accessToken);
    // The user is vouched for by the verification above: the call is made as the platform.
    const caller = systemCaller(SYSTEM_USER_ID, normaliseCorrelationId(request.id));
    const grant = await this.auth.loginWithSso(caller, {
      userId: verified.caller.userId,
      deviceName: body.deviceName ?? '',
      client: body.client ?? (userAgent ?? '').slice(0, 200),
      clientIp,
      issuer: this.keycloak.issuer,
      subject: verified.subject,
    });

    return toTokenGrantDto(grant);
  }
}
