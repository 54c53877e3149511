import { randomUUID } from 'node:crypto';

import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

import { OutboxPublisher, recordAudit } from '@confer/events';

import { TrustedDevicesService } from '../trusted-devices/trusted-devices.service';
import { ApprovalSignals } from './approval-signals';
import { EnrolmentRecord, findEnrolment } from './enrolment.record';
import { OrgPolicyService } from './org-policy.service';
import {
  deviceNameOf,
  SECOND_FACTOR_SESSIONS,
  SecondFactorSessions,
} from './second-factor-sessions';
import { isUuid, RequestOrigin } from './session-context';
import { TWO_FACTOR_SETTINGS, TwoFactorSettings } from './two-factor.settings';
import { TwoFactorError } from './two-factor.errors';

/** Shown when neither the request nor the session named the device. */
const UNNAMED_DEVICE = 'Unnamed device';

export type ApprovalPurpose = 'sign_in' | 'disable';
export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'used' | 'expired';

export interface Approval {
  id: string;
  userId: string;
  orgId: string;
  purpose: ApprovalPurpose;
  /** `expired` is derived: a pending approval past its expiry. */
  status: ApprovalStatus;
  requestingSessionId: string;
  deviceName: string;
  clientIp: string;
  requestedAt: Date;
  expiresAt: Date;
}

/**
 * Push approvals: a request shown on the bound app with the requesting
 * device's name, address and time, answered there only. A sign-in approval
 * is then exchanged once by the session that asked; a disable approval turns
 * the second factor off when granted, in the same transaction.
 */
@Injectable()
export class ApprovalsService {
  private readonly logger = new Logger(ApprovalsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxPublisher,
    private readonly signals: ApprovalSignals,
    private readonly policy: OrgPolicyService,
    private readonly trustedDevices: TrustedDevicesService,
    @Inject(SECOND_FACTOR_SESSIONS) private readonly sessions: SecondFactorSessions,
    @Inject(TWO_FACTOR_SETTINGS) private readonly settings: TwoFactorSettings,
  ) {}

  /** Asks the bound app; refused when the second factor is not on or no app is bound. */
  async request(origin: RequestOrigin, purpose: ApprovalPurpose): Promise<Approval> {
    if (purpose === 'disable' && (await this.policy.requiresSecondFactor(origin.orgId))) {
      throw TwoFactorError.requiredByOrganisation();
    }
    const enrolment = await findEnrolment(this.dataSource.manager, origin.userId);
    if (enrolment?.status !== 'enabled' || !enrolment.boundSessionId) {
      throw TwoFactorError.notEnrolled();
    }
    const now = new Date();
    const approval: Approval = {
      id: randomUUID(),
      userId: origin.userId,
      orgId: origin.orgId,
      purpose,
      status: 'pending',
      requestingSessionId: origin.sessionId,
      deviceName: await deviceNameOf(this.sessions, origin, UNNAMED_DEVICE),
      clientIp: origin.clientIp,
      requestedAt: now,
      expiresAt: new Date(now.getTime() + this.settings.approvalTtlSeconds * 1000),
    };
    await this.dataSource.query(
      `INSERT INTO two_factor_approvals
         (id, user_id, org_id, purpose, requesting_session_id, device_name, client_ip, status,
          requested_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9)`,
      [
        approval.id,
        approval.userId,
        approval.orgId,
        purpose,
        approval.requestingSessionId,
        approval.deviceName,
        approval.clientIp,
        approval.requestedAt,
        approval.expiresAt,
      ],
    );
    this.signals.requested(origin.userId, enrolment.boundSessionId, approval);
    this.logger.log(
      { userId: origin.userId, approvalId: approval.id, purpose },
      'approval requested',
    );

    return approval;
  }

  /**
   * An approval of the user, seen by the session that asked or by the bound
   * app only: any other session of the user (one that has only the password,
   * say) is told it does not exist, so it learns nothing of the other
   * sign-ins' devices and addresses.
   */
  async get(origin: RequestOrigin, approvalId: string): Promise<Approval> {
    const approval = await this.find(this.dataSource.manager, origin.userId, approvalId);
    if (!approval || !(await this.mayRead(origin, approval))) {
      throw TwoFactorError.approvalNotFound();
    }

    return approval;
  }

  private async mayRead(origin: RequestOrigin, approval: Approval): Promise<boolean> {
    if (approval.requestingSessionId === origin.sessionId) {
      return true;
    }
    const enrolment = await findEnrolment(this.dataSource.manager, origin.userId);

    return enrolment?.status === 'enabled' && enrolment.boundSessionId === origin.sessionId;
  }

  /** The bound app grants or refuses; only from its session, once, before expiry. */
  async answer(origin: RequestOrigin, approvalId: string, approve: boolean): Promise<Approval> {
    const answered = await this.dataSource.transaction(async (manager) => {
      const enrolment = await findEnrolment(manager, origin.userId, { lock: true });
      const approval = await this.find(manager, origin.userId, approvalId, { lock: true });
      if (!approval) {
        throw TwoFactorError.approvalNotFound();
      }
      if (enrolment?.status !== 'enabled' || enrolment.boundSessionId !== origin.sessionId) {
        throw TwoFactorError.notBoundDevice();
      }
      if (approval.status === 'expired') {
        throw TwoFactorError.approvalExpired();
      }
      if (approval.status !== 'pending') {
        throw TwoFactorError.approvalAnswered();
      }
      const status = approve ? 'approved' : 'denied';
      await manager.query(
        `UPDATE two_factor_approvals SET status = $2, answered_at = now() WHERE id = $1`,
        [approval.id, status],
      );
      await recordAudit(manager, this.outbox, {
        orgId: origin.orgId,
        actorId: origin.userId,
        subjectUserId: origin.userId,
        action: approve ? 'two_factor.approval_granted' : 'two_factor.approval_denied',
        details: {
          approvalId: approval.id,
          purpose: approval.purpose,
          requestingDevice: approval.deviceName,
          requestingIp: approval.clientIp,
        },
        clientIp: origin.clientIp,
      });
      if (approve && approval.purpose === 'disable') {
        await this.disable(manager, origin, enrolment);
      }

      return { ...approval, status } satisfies Approval;
    });
    this.outbox.notify();
    this.signals.answered(origin.userId, answered);
    this.logger.log(
      { userId: origin.userId, approvalId, status: answered.status },
      'approval answered',
    );

    return answered;
  }

  /**
   * Uses up an approved sign-in approval for the session that asked, in the
   * caller's transaction; every other state is refused with its own code.
   */
  async consume(manager: EntityManager, origin: RequestOrigin, approvalId: string): Promise<void> {
    const approval = await this.find(manager, origin.userId, approvalId, { lock: true });
    if (
      !approval ||
      approval.purpose !== 'sign_in' ||
      approval.requestingSessionId !== origin.sessionId
    ) {
      throw TwoFactorError.approvalNotFound();
    }
    switch (approval.status) {
      case 'pending':
        throw TwoFactorError.approvalPending();
      case 'denied':
        throw TwoFactorError.approvalDenied();
      case 'used':
        throw TwoFactorError.approvalUsed();
      case 'expired':
        throw TwoFactorError.approvalExpired();
      case 'approved':
        // An approval left unexchanged past its expiry is as stale as an unanswered one.
        if (approval.expiresAt <= new Date()) {
          throw TwoFactorError.approvalExpired();
        }
        break;
    }
    await manager.query(
      `UPDATE two_factor_approvals SET status = 'used', used_at = now() WHERE id = $1`,
      [approval.id],
    );
  }

  /** Turns the second factor off: the enrolment and binding go, and every trusted device. */
  private async disable(
    manager: EntityManager,
    origin: RequestOrigin,
    enrolment: EnrolmentRecord,
  ): Promise<void> {
    await manager.query('DELETE FROM two_factor_enrolments WHERE user_id = $1', [origin.userId]);
    const devices = await this.trustedDevices.revokeAllIn(manager, origin);
    await recordAudit(manager, this.outbox, {
      orgId: origin.orgId,
      actorId: origin.userId,
      subjectUserId: origin.userId,
      action: 'two_factor.disabled',
      details: { boundDeviceName: enrolment.boundDeviceName, trustedDevicesRevoked: devices },
      clientIp: origin.clientIp,
    });
    this.logger.log({ userId: origin.userId }, 'two-factor disabled');
  }

  private async find(
    manager: EntityManager,
    userId: string,
    approvalId: string,
    options: { lock?: boolean } = {},
  ): Promise<Approval | undefined> {
    if (!isUuid(approvalId)) {
      return undefined;
    }
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT * FROM two_factor_approvals WHERE id = $1 AND user_id = $2${options.lock ? ' FOR UPDATE' : ''}`,
      [approvalId, userId],
    );
    const row = rows[0];
    if (!row) {
      return undefined;
    }
    const expiresAt = row.expires_at as Date;
    const stored = row.status as ApprovalStatus;

    return {
      id: row.id as string,
      userId: row.user_id as string,
      orgId: row.org_id as string,
      purpose: row.purpose as ApprovalPurpose,
      status: stored === 'pending' && expiresAt <= new Date() ? 'expired' : stored,
      requestingSessionId: row.requesting_session_id as string,
      deviceName: row.device_name as string,
      clientIp: row.client_ip as string,
      requestedAt: row.requested_at as Date,
      expiresAt,
    };
  }
}
