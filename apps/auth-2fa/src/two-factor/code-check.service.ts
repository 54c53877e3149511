import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

import { OutboxPublisher, recordAudit } from '@confer/events';

import { CodeAttemptLimiter } from './code-attempt-limiter';
import { EnrolmentRecord } from './enrolment.record';
import { SecretCipher, UnknownSecretKeyError } from './secret-cipher';
import { returnedRows } from './returned-rows';
import { RequestOrigin } from './session-context';
import { matchingStep, PRODUCT_TOTP } from './totp';
import { TWO_FACTOR_SETTINGS, TwoFactorSettings } from './two-factor.settings';
import { TwoFactorError } from './two-factor.errors';

/**
 * Checks a code against an enrolment: throttled per account and address, the
 * secret opened only for the comparison, and a code's time step accepted at
 * most once (the step is stored in the same statement that accepts it, so two
 * requests racing with one code cannot both pass). Every refusal is counted
 * and recorded on the audit trail, in a transaction of its own so that it
 * stays when the caller's work is rolled back.
 */
@Injectable()
export class CodeCheckService {
  private readonly logger = new Logger(CodeCheckService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxPublisher,
    private readonly cipher: SecretCipher,
    private readonly limiter: CodeAttemptLimiter,
    @Inject(TWO_FACTOR_SETTINGS) private readonly settings: TwoFactorSettings,
  ) {}

  /** Accepts the code or throws; on success the step is used up within `manager`'s transaction. */
  async accept(
    manager: EntityManager,
    enrolment: EnrolmentRecord,
    code: string,
    origin: RequestOrigin,
    now: Date = new Date(),
  ): Promise<void> {
    const source = { userId: enrolment.userId, clientIp: origin.clientIp };
    await this.limiter.check(source);
    const step = /^\d{6}$/.test(code) ? this.stepOf(enrolment, code, now) : undefined;
    if (step === undefined) {
      await this.refuse(enrolment, origin, 'wrong');
      throw TwoFactorError.codeInvalid();
    }
    const used = returnedRows(
      await manager.query(
        `UPDATE two_factor_enrolments SET last_used_step = $2
         WHERE user_id = $1 AND (last_used_step IS NULL OR last_used_step < $2)
         RETURNING user_id`,
        [enrolment.userId, step],
      ),
    );
    if (used.length === 0) {
      await this.refuse(enrolment, origin, 'reused');
      throw TwoFactorError.codeReused();
    }
    await this.limiter.recordSuccess(source);
  }

  private stepOf(enrolment: EnrolmentRecord, code: string, now: Date): number | undefined {
    let secret: Buffer;
    try {
      secret = this.cipher.open(
        { keyId: enrolment.secretKeyId, sealed: enrolment.secretSealed },
        enrolment.userId,
      );
    } catch (error) {
      if (error instanceof UnknownSecretKeyError) {
        throw TwoFactorError.secretKeyMissing(error.keyId, error);
      }
      throw error;
    }
    try {
      return matchingStep(secret, code, now.getTime() / 1000, {
        ...PRODUCT_TOTP,
        period: enrolment.periodSeconds,
        drift: this.settings.driftSteps,
      });
    } finally {
      secret.fill(0);
    }
  }

  private async refuse(
    enrolment: EnrolmentRecord,
    origin: RequestOrigin,
    reason: 'wrong' | 'reused',
  ): Promise<void> {
    await this.limiter.recordFailure({ userId: enrolment.userId, clientIp: origin.clientIp });
    await this.dataSource.transaction((manager) =>
      recordAudit(manager, this.outbox, {
        orgId: enrolment.orgId,
        actorId: origin.userId,
        subjectUserId: enrolment.userId,
        action: 'two_factor.code_rejected',
        details: { reason, sessionId: origin.sessionId },
        clientIp: origin.clientIp,
      }),
    );
    this.outbox.notify();
    this.logger.log({ userId: enrolment.userId, reason }, 'second-factor code refused');
  }
}
