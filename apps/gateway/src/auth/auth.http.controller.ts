import { Body, Controller, HttpCode, Inject, Ip, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { SYSTEM_USER_ID, systemCaller } from '@confer/grpc';
import { normaliseCorrelationId } from '@confer/logging';

import { AUTH, AuthClient } from '../clients/service-clients';
import { ApiErrors } from '../http/api-errors';
import { AuthenticatedRequest } from './authenticated-request';
import { LoginDto, TokenGrantDto } from './auth.dto';
import { Public } from './public.decorator';

@ApiTags('auth')
@Controller('auth')
export class AuthHttpController {
  constructor(@Inject(AUTH) private readonly auth: AuthClient) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: TokenGrantDto })
  @ApiErrors({ 401: ['auth.bad_credentials'] }, { isPublic: true })
  async login(
    @Body() body: LoginDto,
    @Ip() clientIp: string,
    @Req() request: AuthenticatedRequest,
  ): Promise<TokenGrantDto> {
    // Nobody is signed in yet: the call is made as the platform, and auth-2fa decides.
    const caller = systemCaller(SYSTEM_USER_ID, normaliseCorrelationId(request.id));
    const grant = await this.auth.login(caller, {
      email: body.email,
      password: body.password,
      deviceName: body.deviceName ?? '',
      clientIp,
      trustedDeviceToken: body.trustedDeviceToken ?? '',
    });

    return {
      accessToken: grant.accessToken,
      tokenType: grant.tokenType || 'Bearer',
      expiresIn: grant.expiresIn,
      userId: grant.userId,
      orgId: grant.orgId,
    };
  }
}
