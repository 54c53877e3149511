import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Ip,
  Param,
  Post,
  Req,
} from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { Caller, ServiceClient } from '@confer/grpc';
import { twoFactor } from '@confer/proto';

import { TokenGrantDto } from '../auth/auth.dto';
import { AuthenticatedRequest } from '../auth/authenticated-request';
import { CurrentCaller } from '../auth/current-caller.decorator';
import { toTokenGrantDto } from '../auth/token-grant.mapper';
import { ApiErrors } from '../http/api-errors';
import {
  AnswerApprovalDto,
  ApprovalDto,
  BindingDto,
  BoundAppDto,
  ChallengeCodeDto,
  CodeDto,
  EnrolmentDto,
  PushChallengeDto,
  RevokedDevicesDto,
  TrustedDeviceListDto,
  TwoFactorStatusDto,
} from './two-factor.dto';
import { TwoFactorHttpError } from './two-factor.errors';

export const TWO_FACTOR = Symbol('TWO_FACTOR');
export type TwoFactorClient = ServiceClient<twoFactor.TwoFactorServiceClient>;

const CODE_ERRORS = {
  409: ['two_factor.code_reused'],
  422: ['two_factor.code_invalid'],
  429: ['two_factor.too_many_attempts (with Retry-After)'],
};
const APPROVAL_ID_ERRORS = { 404: ['two_factor.approval_not_found'] };

/** ApiErrors plus what every endpoint here answers a session from another identity provider. */
function TwoFactorErrors(codes: NonNullable<Parameters<typeof ApiErrors>[0]> = {}) {
  return ApiErrors({ ...codes, 403: [...(codes[403] ?? []), 'two_factor.session_not_supported'] });
}

/**
 * Two-factor sign-in: enrolment by scanning a QR code with the Confer app,
 * codes and push approvals at sign-in, trusted devices, disabling with the
 * app's approval. Translates to TwoFactorService with the session the token
 * belongs to; auth-2fa decides.
 */
@ApiTags('two-factor')
@Controller('auth/2fa')
export class TwoFactorHttpController {
  constructor(@Inject(TWO_FACTOR) private readonly twoFactor: TwoFactorClient) {}

  @Get()
  @ApiOkResponse({ type: TwoFactorStatusDto })
  @TwoFactorErrors({ 403: ['auth.second_factor_required'] })
  async status(
    @CurrentCaller() caller: Caller,
    @Req() request: AuthenticatedRequest,
    @Ip() ip: string,
  ): Promise<TwoFactorStatusDto> {
    const status = await this.twoFactor.getStatus(caller, sessionOf(request, ip));

    return { ...status, enrolledAt: status.enrolledAt || null };
  }

  @Post('enrolment')
  @ApiOkResponse({ type: EnrolmentDto, description: 'Show qrPng or qrSvg for the app to scan.' })
  @TwoFactorErrors({ 403: ['auth.second_factor_required'], 409: ['two_factor.already_enabled'] })
  async startEnrolment(
    @CurrentCaller() caller: Caller,
    @Req() request: AuthenticatedRequest,
    @Ip() ip: string,
  ): Promise<EnrolmentDto> {
    return this.twoFactor.startEnrolment(caller, sessionOf(request, ip));
  }

  @Post('enrolment/confirm')
  @HttpCode(200)
  @ApiOkResponse({ type: TwoFactorStatusDto })
  @TwoFactorErrors({
    403: ['auth.second_factor_required'],
    404: ['two_factor.enrolment_not_found'],
    409: ['two_factor.already_enabled', 'two_factor.app_not_bound', 'two_factor.code_reused'],
    422: CODE_ERRORS[422],
    429: CODE_ERRORS[429],
  })
  async confirmEnrolment(
    @CurrentCaller() caller: Caller,
    @Req() request: AuthenticatedRequest,
    @Ip() ip: string,
    @Body() body: CodeDto,
  ): Promise<TwoFactorStatusDto> {
    const status = await this.twoFactor.confirmEnrolment(caller, {
      session: sessionOf(request, ip),
      code: body.code,
      trustDevice: false,
    });

    return { ...status, enrolledAt: status.enrolledAt || null };
  }

  @Post('binding')
  @HttpCode(200)
  @ApiOkResponse({ type: BoundAppDto, description: 'This app is now the approving device.' })
  @TwoFactorErrors({
    403: ['auth.second_factor_required', 'auth.forbidden'],
    404: ['two_factor.binding_not_found'],
    409: ['two_factor.binding_used'],
    410: ['two_factor.binding_expired'],
  })
  async bind(
    @CurrentCaller() caller: Caller,
    @Req() request: AuthenticatedRequest,
    @Ip() ip: string,
    @Body() body: BindingDto,
  ): Promise<BoundAppDto> {
    return this.twoFactor.bindApp(caller, {
      session: sessionOf(request, ip, body.deviceName),
      bindingToken: body.bindingToken,
      deviceName: body.deviceName ?? '',
    });
  }

  @Post('challenge/code')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenGrantDto })
  @TwoFactorErrors({
    ...CODE_ERRORS,
    409: ['two_factor.code_reused', 'two_factor.not_pending', 'two_factor.not_enabled'],
  })
  async challengeCode(
    @CurrentCaller() caller: Caller,
    @Req() request: AuthenticatedRequest,
    @Ip() ip: string,
    @Body() body: ChallengeCodeDto,
  ): Promise<TokenGrantDto> {
    const grant = await this.twoFactor.verifyCode(caller, {
      session: sessionOf(request, ip, body.deviceName),
      code: body.code,
      trustDevice: body.trustDevice ?? false,
    });

    return toTokenGrantDto(grant);
  }

  @Post('challenge/push')
  @HttpCode(201)
  @ApiOkResponse({
    type: ApprovalDto,
    description: 'Sent to the bound app; poll it or wait for the frame.',
  })
  @TwoFactorErrors({ 409: ['two_factor.not_enabled'] })
  async challengePush(
    @CurrentCaller() caller: Caller,
    @Req() request: AuthenticatedRequest,
    @Ip() ip: string,
    @Body() body: PushChallengeDto,
  ): Promise<ApprovalDto> {
    return this.twoFactor.requestSignInApproval(caller, sessionOf(request, ip, body.deviceName));
  }

  @Get('challenge/push/:id')
  @ApiOkResponse({ type: ApprovalDto })
  @TwoFactorErrors(APPROVAL_ID_ERRORS)
  async pushStatus(
    @CurrentCaller() caller: Caller,
    @Req() request: AuthenticatedRequest,
    @Ip() ip: string,
    @Param('id') id: string,
  ): Promise<ApprovalDto> {
    return this.twoFactor.getApproval(caller, { session: sessionOf(request, ip), approvalId: id });
  }

  @Post('challenge/push/:id/exchange')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenGrantDto, description: 'Once, after the app approved.' })
  @TwoFactorErrors({
    ...APPROVAL_ID_ERRORS,
    403: ['two_factor.approval_denied'],
    409: ['two_factor.approval_pending', 'two_factor.approval_used', 'two_factor.not_pending'],
    410: ['two_factor.approval_expired'],
  })
  async exchangePush(
    @CurrentCaller() caller: Caller,
    @Req() request: AuthenticatedRequest,
    @Ip() ip: string,
    @Param('id') id: string,
  ): Promise<TokenGrantDto> {
    const grant = await this.twoFactor.exchangeApproval(caller, {
      session: sessionOf(request, ip),
      approvalId: id,
    });

    return toTokenGrantDto(grant);
  }

  @Post('approvals/:id')
  @HttpCode(200)
  @ApiOkResponse({ type: ApprovalDto })
  @TwoFactorErrors({
    ...APPROVAL_ID_ERRORS,
    403: ['auth.second_factor_required', 'two_factor.not_bound_device'],
    409: ['two_factor.approval_answered'],
    410: ['two_factor.approval_expired'],
  })
  async answer(
    @CurrentCaller() caller: Caller,
    @Req() request: AuthenticatedRequest,
    @Ip() ip: string,
    @Param('id') id: string,
    @Body() body: AnswerApprovalDto,
  ): Promise<ApprovalDto> {
    return this.twoFactor.answerApproval(caller, {
      session: sessionOf(request, ip),
      approvalId: id,
      approve: body.approve,
    });
  }

  @Post('disable')
  @HttpCode(202)
  @ApiOkResponse({ type: ApprovalDto, description: 'Off once the bound app approves.' })
  @TwoFactorErrors({
    403: ['auth.second_factor_required'],
    409: ['two_factor.not_enabled', 'two_factor.required_by_organisation'],
  })
  async disable(
    @CurrentCaller() caller: Caller,
    @Req() request: AuthenticatedRequest,
    @Ip() ip: string,
  ): Promise<ApprovalDto> {
    return this.twoFactor.requestDisable(caller, sessionOf(request, ip));
  }

  @Get('trusted-devices')
  @ApiOkResponse({ type: TrustedDeviceListDto })
  @TwoFactorErrors({ 403: ['auth.second_factor_required'] })
  async trustedDevices(
    @CurrentCaller() caller: Caller,
    @Req() request: AuthenticatedRequest,
    @Ip() ip: string,
  ): Promise<TrustedDeviceListDto> {
    const { devices } = await this.twoFactor.listTrustedDevices(caller, sessionOf(request, ip));

    return { items: devices };
  }

  @Delete('trusted-devices/:id')
  @HttpCode(204)
  @TwoFactorErrors({
    403: ['auth.second_factor_required'],
    404: ['two_factor.trusted_device_not_found'],
  })
  async revokeTrustedDevice(
    @CurrentCaller() caller: Caller,
    @Req() request: AuthenticatedRequest,
    @Ip() ip: string,
    @Param('id') id: string,
  ): Promise<void> {
    await this.twoFactor.revokeTrustedDevice(caller, {
      session: sessionOf(request, ip),
      deviceId: id,
    });
  }

  @Delete('trusted-devices')
  @HttpCode(200)
  @ApiOkResponse({ type: RevokedDevicesDto })
  @TwoFactorErrors({ 403: ['auth.second_factor_required'] })
  async revokeAllTrustedDevices(
    @CurrentCaller() caller: Caller,
    @Req() request: AuthenticatedRequest,
    @Ip() ip: string,
  ): Promise<RevokedDevicesDto> {
    const { count } = await this.twoFactor.revokeAllTrustedDevices(caller, sessionOf(request, ip));

    return { revoked: count };
  }
}

/** The Confer session the request comes from, as the guard verified it. */
function sessionOf(
  request: AuthenticatedRequest,
  clientIp: string,
  deviceName = '',
): twoFactor.SessionContext {
  if (request.token?.issuer === 'keycloak') {
    throw TwoFactorHttpError.sessionNotSupported();
  }

  return {
    sessionId: request.token?.sessionId ?? '',
    clientIp,
    deviceName,
    secondFactor: request.token?.mfa ?? '',
  };
}
