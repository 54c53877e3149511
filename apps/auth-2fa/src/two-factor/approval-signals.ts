import { Inject, Injectable } from '@nestjs/common';
import { NatsConnection } from 'nats';

import { NATS_CONNECTION, publishSignal } from '@confer/events';

import { AUTH_CONFIG, AuthConfig } from '../config';
import { Approval } from './approvals.service';

/**
 * Live frames about approvals, over the per-user signal subject: the request
 * goes to the bound app's session only, the answer to the waiting session
 * only. Losing one costs nothing: both sides can ask for the approval's state.
 */
@Injectable()
export class ApprovalSignals {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  requested(userId: string, boundSessionId: string, approval: Approval): void {
    publishSignal(this.nats, this.config.nats.prefix, userId, {
      type: 'two_factor.approval_requested',
      sessionId: boundSessionId,
      data: frameOf(approval),
    });
  }

  answered(userId: string, approval: Approval): void {
    publishSignal(this.nats, this.config.nats.prefix, userId, {
      type: 'two_factor.approval_answered',
      sessionId: approval.requestingSessionId,
      data: frameOf(approval),
    });
  }
}

function frameOf(approval: Approval) {
  return {
    approvalId: approval.id,
    purpose: approval.purpose,
    status: approval.status,
    deviceName: approval.deviceName,
    clientIp: approval.clientIp,
    requestedAt: approval.requestedAt.toISOString(),
    expiresAt: approval.expiresAt.toISOString(),
  };
}
