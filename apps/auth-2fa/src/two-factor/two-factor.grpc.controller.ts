import { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';

import { AuthError } from '@confer/errors';
import { callerFromMetadata, isSystemCaller } from '@confer/grpc';
import { common, twoFactor } from '@confer/proto';

import { TrustedDevicesService } from '../trusted-devices/trusted-devices.service';
import { Approval, ApprovalsService } from './approvals.service';
import { EnrolmentService, TwoFactorStatus } from './enrolment.service';
import { originOf } from './session-context';
import { PassedSignIn, SignInService } from './sign-in.service';

const SERVICE = 'TwoFactorService';

/** TwoFactorService: translates calls and answers; the rules are in the services. */
@Controller()
export class TwoFactorGrpcController implements twoFactor.TwoFactorServiceController {
  constructor(
    private readonly enrolments: EnrolmentService,
    private readonly approvals: ApprovalsService,
    private readonly signIns: SignInService,
    private readonly trustedDevices: TrustedDevicesService,
  ) {}

  @GrpcMethod(SERVICE, 'getStatus')
  async getStatus(request: twoFactor.SessionContext, metadata: Metadata) {
    return statusOf(await this.enrolments.status(originOf(callerFromMetadata(metadata), request)));
  }

  @GrpcMethod(SERVICE, 'startEnrolment')
  async startEnrolment(
    request: twoFactor.SessionContext,
    metadata: Metadata,
  ): Promise<twoFactor.Enrolment> {
    const started = await this.enrolments.start(originOf(callerFromMetadata(metadata), request));

    return { ...started, expiresAt: started.expiresAt.toISOString() };
  }

  @GrpcMethod(SERVICE, 'bindApp')
  async bindApp(
    request: twoFactor.BindAppRequest,
    metadata: Metadata,
  ): Promise<twoFactor.BoundApp> {
    const origin = originOf(callerFromMetadata(metadata), request.session);
    if (request.session?.secondFactor && request.session.secondFactor !== 'enrol') {
      // A session owing its second factor has only a password: it may not become the approving
      // device. One owing enrolment may, since once the organisation requires the factor every
      // new sign-in of the app owes enrolment; its holder could start an enrolment of their own.
      throw AuthError.forbidden('Finish signing in on this device before binding it.');
    }
    const bound = await this.enrolments.bind(origin, request.bindingToken, request.deviceName);

    return { deviceName: bound.deviceName, boundAt: bound.boundAt.toISOString() };
  }

  @GrpcMethod(SERVICE, 'confirmEnrolment')
  async confirmEnrolment(request: twoFactor.CodeRequest, metadata: Metadata) {
    const origin = originOf(callerFromMetadata(metadata), request.session);

    return statusOf(await this.enrolments.confirm(origin, request.code));
  }

  @GrpcMethod(SERVICE, 'verifyCode')
  async verifyCode(request: twoFactor.CodeRequest, metadata: Metadata) {
    const origin = originOf(callerFromMetadata(metadata), request.session);
    const passed = await this.signIns.passWithCode(origin, request.code, {
      device: request.trustDevice,
      name: origin.deviceName,
    });

    return grantOf(passed);
  }

  @GrpcMethod(SERVICE, 'requestSignInApproval')
  async requestSignInApproval(request: twoFactor.SessionContext, metadata: Metadata) {
    return approvalOf(
      await this.approvals.request(originOf(callerFromMetadata(metadata), request), 'sign_in'),
    );
  }

  @GrpcMethod(SERVICE, 'getApproval')
  async getApproval(request: twoFactor.ApprovalRequest, metadata: Metadata) {
    const origin = originOf(callerFromMetadata(metadata), request.session);

    return approvalOf(await this.approvals.get(origin, request.approvalId));
  }

  @GrpcMethod(SERVICE, 'answerApproval')
  async answerApproval(request: twoFactor.AnswerApprovalRequest, metadata: Metadata) {
    const origin = originOf(callerFromMetadata(metadata), request.session);

    return approvalOf(await this.approvals.answer(origin, request.approvalId, request.approve));
  }

  @GrpcMethod(SERVICE, 'exchangeApproval')
  async exchangeApproval(request: twoFactor.ApprovalRequest, metadata: Metadata) {
    const origin = originOf(callerFromMetadata(metadata), request.session);

    return grantOf(await this.signIns.passWithApproval(origin, request.approvalId));
  }

  @GrpcMethod(SERVICE, 'requestDisable')
  async requestDisable(request: twoFactor.SessionContext, metadata: Metadata) {
    return approvalOf(
      await this.approvals.request(originOf(callerFromMetadata(metadata), request), 'disable'),
    );
  }

  @GrpcMethod(SERVICE, 'listTrustedDevices')
  async listTrustedDevices(
    request: twoFactor.SessionContext,
    metadata: Metadata,
  ): Promise<twoFactor.TrustedDeviceList> {
    const origin = originOf(callerFromMetadata(metadata), request);
    const devices = await this.trustedDevices.list(origin.userId);

    return {
      devices: devices.map((device) => ({
        id: device.id,
        name: device.name,
        firstUsedAt: device.firstUsedAt.toISOString(),
        lastUsedAt: device.lastUsedAt.toISOString(),
        lastIp: device.lastIp,
        expiresAt: device.expiresAt.toISOString(),
      })),
    };
  }

  @GrpcMethod(SERVICE, 'revokeTrustedDevice')
  async revokeTrustedDevice(
    request: twoFactor.TrustedDeviceRequest,
    metadata: Metadata,
  ): Promise<common.Empty> {
    const origin = originOf(callerFromMetadata(metadata), request.session);
    await this.trustedDevices.revoke(origin, request.deviceId);

    return {};
  }

  @GrpcMethod(SERVICE, 'revokeAllTrustedDevices')
  async revokeAllTrustedDevices(
    request: twoFactor.SessionContext,
    metadata: Metadata,
  ): Promise<twoFactor.RevokedDevices> {
    const origin = originOf(callerFromMetadata(metadata), request);

    return { count: await this.trustedDevices.revokeAll(origin) };
  }

  @GrpcMethod(SERVICE, 'decideSignIn')
  async decideSignIn(
    request: twoFactor.DecideSignInRequest,
    metadata: Metadata,
  ): Promise<twoFactor.SignInDecision> {
    if (!isSystemCaller(callerFromMetadata(metadata))) {
      throw AuthError.forbidden('Only the platform decides sign-ins.');
    }
    const decision = await this.signIns.decide(request);

    return {
      secondFactor: decision.secondFactor,
      trustedDeviceId: decision.trustedDeviceId ?? '',
    };
  }
}

function statusOf(status: TwoFactorStatus): twoFactor.TwoFactorStatus {
  return { ...status, enrolledAt: status.enrolledAt?.toISOString() ?? '' };
}

function approvalOf(approval: Approval): twoFactor.Approval {
  return {
    id: approval.id,
    purpose: approval.purpose,
    status: approval.status,
    deviceName: approval.deviceName,
    clientIp: approval.clientIp,
    requestedAt: approval.requestedAt.toISOString(),
    expiresAt: approval.expiresAt.toISOString(),
  };
}

function grantOf(passed: PassedSignIn): twoFactor.SecondFactorGrant {
  return {
    accessToken: passed.accessToken,
    tokenType: passed.tokenType,
    expiresIn: passed.expiresIn,
    userId: passed.userId,
    orgId: passed.orgId,
    refreshToken: passed.refreshToken,
    refreshExpiresIn: passed.refreshExpiresIn,
    sessionId: passed.sessionId,
    secondFactor: passed.secondFactor,
    trustedDeviceToken: passed.trustedDevice?.token ?? '',
    trustedDeviceId: passed.trustedDevice?.id ?? '',
  };
}
