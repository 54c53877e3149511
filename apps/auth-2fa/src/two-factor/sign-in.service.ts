import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { OutboxPublisher } from '@confer/events';

import { TrustedDevicesService } from '../trusted-devices/trusted-devices.service';
import { ApprovalsService } from './approvals.service';
import { CodeCheckService } from './code-check.service';
import { findEnrolment } from './enrolment.record';
import { OrgPolicyService } from './org-policy.service';
import {
  PassedSessionGrant,
  SECOND_FACTOR_SESSIONS,
  SecondFactorSessions,
} from './second-factor-sessions';
import { RequestOrigin } from './session-context';
import { TwoFactorError } from './two-factor.errors';

/** What a login owes: nothing, a second factor, or enrolment first (the organisation requires it). */
export type SignInSecondFactor = 'not_required' | 'pending' | 'enrolment_required';

export interface PassedSignIn extends PassedSessionGrant {
  trustedDevice?: { id: string; token: string };
}

/** Session states that may pass a second factor now. */
const OWING = new Set(['pending', 'enrolment_required']);

/**
 * The second factor at sign-in: what a new login owes, and passing it with a
 * code or an approval from the bound app, after which the session's tokens
 * lose their `mfa` claim.
 */
@Injectable()
export class SignInService {
  private readonly logger = new Logger(SignInService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxPublisher,
    private readonly codes: CodeCheckService,
    private readonly approvals: ApprovalsService,
    private readonly trustedDevices: TrustedDevicesService,
    private readonly policy: OrgPolicyService,
    @Inject(SECOND_FACTOR_SESSIONS) private readonly sessions: SecondFactorSessions,
  ) {}

  /**
   * Decided after the password: users with the second factor on owe it unless
   * the login comes from one of their trusted devices; users without it owe
   * enrolment when their organisation requires it.
   */
  async decide(input: {
    userId: string;
    orgId: string;
    trustedDeviceToken: string;
    clientIp: string;
  }): Promise<{ secondFactor: SignInSecondFactor; trustedDeviceId?: string }> {
    const enrolment = await findEnrolment(this.dataSource.manager, input.userId);
    if (enrolment?.status === 'enabled') {
      const trustedDeviceId = await this.trustedDevices.recognise(
        input.userId,
        input.trustedDeviceToken,
        input.clientIp,
      );

      return trustedDeviceId
        ? { secondFactor: 'not_required', trustedDeviceId }
        : { secondFactor: 'pending' };
    }
    if (await this.policy.requiresSecondFactor(input.orgId)) {
      return { secondFactor: 'enrolment_required' };
    }

    return { secondFactor: 'not_required' };
  }

  /**
   * Whether a login presents a live trusted device of this user, before its
   * password is checked: such a login is spared the account-wide login delay
   * (LoginThrottle), which anyone can cause.
   */
  async presentsTrustedDevice(userId: string, trustedDeviceToken: string): Promise<boolean> {
    return this.trustedDevices.holds(userId, trustedDeviceToken);
  }

  async passWithCode(
    origin: RequestOrigin,
    code: string,
    trust: { device: boolean; name: string },
  ): Promise<PassedSignIn> {
    const session = await this.requireOwing(origin);
    // A trusted device is listed under the name sent with the code, else the session's own.
    const deviceName = trust.name.trim() || session.deviceName;
    const trustedDevice = await this.codes.withCode(origin, code, async (manager, check) => {
      const enrolment = await findEnrolment(manager, origin.userId, { lock: true });
      if (enrolment?.status !== 'enabled') {
        throw TwoFactorError.notEnrolled();
      }
      await check(enrolment);

      return trust.device ? this.trustedDevices.trust(manager, origin, deviceName) : undefined;
    });
    if (trustedDevice) {
      this.outbox.notify();
    }
    const grant = await this.sessions.completeSecondFactor(origin.sessionId, 'otp');
    this.logger.log({ userId: origin.userId, sessionId: origin.sessionId }, 'code accepted');

    return { ...grant, ...(trustedDevice ? { trustedDevice } : {}) };
  }

  async passWithApproval(origin: RequestOrigin, approvalId: string): Promise<PassedSignIn> {
    await this.dataSource.transaction(async (manager) => {
      // The approval answers first: a second exchange is told the approval is used, although
      // its first exchange is what left the session owing nothing. An approval refused here
      // stays as it was, since the transaction rolls back.
      await this.approvals.consume(manager, origin, approvalId);
      await this.requireOwing(origin);
    });

    // RFC 8176 `mca`: confirmation on a second device.
    return this.sessions.completeSecondFactor(origin.sessionId, 'mca');
  }

  private async requireOwing(origin: RequestOrigin): Promise<{ deviceName: string }> {
    const session = await this.sessions.findLive(origin.userId, origin.sessionId);
    if (!session || !OWING.has(session.secondFactor)) {
      throw TwoFactorError.noSecondFactorOwed();
    }

    return session;
  }
}
