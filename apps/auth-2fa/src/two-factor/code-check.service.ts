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

/** What a code check found. */
type CodeOutcome = 'accepted' | 'wrong' | 'reused';

/** Checks the enrolment `work` locked against the code; throws when the code is refused. */
export type CheckCode = (enrolment: EnrolmentRecord) => Promise<void>;

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

  /**
   * Runs `work` in one transaction with a code to check: `work` reads and
   * locks the caller's enrolment, refuses what it must, and calls `check`;
   * the step of an accepted code is used up in that transaction, with the rest
   * of `work`'s writes.
   *
   * The attempt is counted before the transaction starts (CodeAttemptLimiter
   * `begin`), so codes sent at once are limited like codes sent one by one and
   * those refused for it never wait for a database connection or the
   * enrolment's lock. A refusal is audited after the transaction has ended:
   * requests queued on the lock hold connections, and one that needed a second
   * connection while holding the lock could wait for them for ever.
   */
  async withCode<T>(
    origin: RequestOrigin,
    code: string,
    work: (manager: EntityManager, check: CheckCode) => Promise<T>,
  ): Promise<T> {
    const attempt = await this.limiter.begin({ userId: origin.userId, clientIp: origin.clientIp });
    let decided = false;
    let refused: { enrolment: EnrolmentRecord; reason: 'wrong' | 'reused' } | undefined;
    try {
      return await this.dataSource.transaction((manager) =>
        work(manager, async (enrolment) => {
          const outcome = await this.check(manager, enrolment, code, new Date());
          decided = true;
          if (outcome === 'accepted') {
            await this.limiter.succeeded(attempt);

            return;
          }
          refused = { enrolment, reason: outcome };
          throw outcome === 'wrong' ? TwoFactorError.codeInvalid() : TwoFactorError.codeReused();
        }),
      );
    } catch (error) {
      if (refused) {
        await this.recordRefusal(refused.enrolment, origin, refused.reason);
      } else if (!decided) {
        // Never checked (not enrolled, a failure here): the attempt is given back.
        await this.limiter.undecided(attempt).catch((failure: Error) => {
          this.logger.warn({ err: failure.message }, 'code attempt not given back');
        });
      }
      throw error;
    }
  }

  private async check(
    manager: EntityManager,
    enrolment: EnrolmentRecord,
    code: string,
    now: Date,
  ): Promise<CodeOutcome> {
    const step = /^\d{6}$/.test(code) ? this.stepOf(enrolment, code, now) : undefined;
    if (step === undefined) {
      return 'wrong';
    }
    const used = returnedRows(
      await manager.query(
        `UPDATE two_factor_enrolments SET last_used_step = $2
         WHERE user_id = $1 AND (last_used_step IS NULL OR last_used_step < $2)
         RETURNING user_id`,
        [enrolment.userId, step],
      ),
    );

    return used.length === 0 ? 'reused' : 'accepted';
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

  /** Counted already, by `begin`: only the audit line and the log remain. */
  private async recordRefusal(
    enrolment: EnrolmentRecord,
    origin: RequestOrigin,
    reason: 'wrong' | 'reused',
  ): Promise<void> {
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
