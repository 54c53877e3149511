import { randomBytes, randomUUID } from 'node:crypto';

import { Inject, Injectable, Logger } from '@nestjs/common';
import * as QRCode from 'qrcode';
import { DataSource } from 'typeorm';

import { OutboxPublisher, recordAudit } from '@confer/events';
import { SYSTEM_USER_ID, systemCaller } from '@confer/grpc';
import { currentCorrelationId, normaliseCorrelationId } from '@confer/logging';

import { CONTACTS, ContactsClient } from '../directory/contacts-client';
import { CodeCheckService } from './code-check.service';
import { findEnrolment } from './enrolment.record';
import { OrgPolicyService } from './org-policy.service';
import { otpauthUri } from './otpauth-uri';
import {
  deviceNameOf,
  SECOND_FACTOR_SESSIONS,
  SecondFactorSessions,
} from './second-factor-sessions';
import { SecretCipher } from './secret-cipher';
import { RequestOrigin, sha256 } from './session-context';
import { base32Encode, PRODUCT_TOTP } from './totp';
import { TWO_FACTOR_SETTINGS, TwoFactorSettings } from './two-factor.settings';
import { TwoFactorError } from './two-factor.errors';

export interface TwoFactorStatus {
  enabled: boolean;
  enrolmentPending: boolean;
  boundDeviceName: string;
  enrolledAt: Date | null;
  requiredByOrganisation: boolean;
}

export interface StartedEnrolment {
  enrolmentId: string;
  otpauthUri: string;
  qrPng: string;
  qrSvg: string;
  bindingToken: string;
  expiresAt: Date;
}

/** RFC 4226 section 4 asks for at least 128 bits; 160 is the SHA-1 block-friendly length apps expect. */
const SECRET_BYTES = 20;

/**
 * Enrolment binds the user's mobile app: the QR code carries the TOTP secret
 * and a one-time binding token; the app, signed in as the same user, presents
 * the token and becomes the device that approves sign-ins; a first correct
 * code then turns the second factor on.
 */
@Injectable()
export class EnrolmentService {
  private readonly logger = new Logger(EnrolmentService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxPublisher,
    private readonly cipher: SecretCipher,
    private readonly codes: CodeCheckService,
    private readonly policy: OrgPolicyService,
    @Inject(CONTACTS) private readonly contacts: ContactsClient,
    @Inject(SECOND_FACTOR_SESSIONS) private readonly sessions: SecondFactorSessions,
    @Inject(TWO_FACTOR_SETTINGS) private readonly settings: TwoFactorSettings,
  ) {}

  async status(origin: Pick<RequestOrigin, 'userId' | 'orgId'>): Promise<TwoFactorStatus> {
    const [enrolment, required] = await Promise.all([
      findEnrolment(this.dataSource.manager, origin.userId),
      this.policy.requiresSecondFactor(origin.orgId),
    ]);
    const enabled = enrolment?.status === 'enabled';

    return {
      enabled,
      enrolmentPending: enrolment?.status === 'pending',
      boundDeviceName: enabled ? (enrolment?.boundDeviceName ?? '') : '',
      enrolledAt: enabled ? (enrolment?.enrolledAt ?? null) : null,
      requiredByOrganisation: required,
    };
  }

  /** A new secret and binding token; an unfinished enrolment is replaced. */
  async start(origin: RequestOrigin): Promise<StartedEnrolment> {
    const secret = randomBytes(SECRET_BYTES);
    const sealed = this.cipher.seal(secret, origin.userId);
    const bindingToken = randomBytes(32).toString('base64url');
    const enrolmentId = randomUUID();
    const expiresAt = new Date(Date.now() + this.settings.bindingTtlSeconds * 1000);
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO two_factor_enrolments AS e
         (user_id, org_id, enrolment_id, status, secret_key_id, secret_sealed, period_seconds,
          binding_token_hash, binding_expires_at)
       VALUES ($1, $2, $3, 'pending', $4, $5, $6, $7, $8)
       ON CONFLICT (user_id) DO UPDATE SET
         org_id = EXCLUDED.org_id, enrolment_id = EXCLUDED.enrolment_id,
         secret_key_id = EXCLUDED.secret_key_id, secret_sealed = EXCLUDED.secret_sealed,
         period_seconds = EXCLUDED.period_seconds,
         binding_token_hash = EXCLUDED.binding_token_hash,
         binding_expires_at = EXCLUDED.binding_expires_at, binding_used_at = NULL,
         bound_session_id = NULL, bound_device_name = NULL, bound_at = NULL,
         last_used_step = NULL, created_at = now()
       WHERE e.status = 'pending'
       RETURNING user_id`,
      [
        origin.userId,
        origin.orgId,
        enrolmentId,
        sealed.keyId,
        sealed.sealed,
        this.settings.periodSeconds,
        sha256(bindingToken),
        expiresAt,
      ],
    );
    if (rows.length === 0) {
      throw TwoFactorError.alreadyEnabled();
    }
    const otpauthUri = await this.otpauthUri(origin, base32Encode(secret), bindingToken);
    secret.fill(0);
    this.logger.log({ userId: origin.userId, enrolmentId }, 'two-factor enrolment started');

    return {
      enrolmentId,
      otpauthUri,
      qrPng: await QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: 'M' }),
      qrSvg: await QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M' }),
      bindingToken,
      expiresAt,
    };
  }

  /** The mobile app presents the binding token; its session becomes the approving device. */
  async bind(
    origin: RequestOrigin,
    bindingToken: string,
    deviceName: string,
  ): Promise<{ deviceName: string; boundAt: Date }> {
    const name = await deviceNameOf(
      this.sessions,
      { ...origin, deviceName: deviceName.trim() || origin.deviceName },
      'Confer app',
    );
    const boundAt = new Date();
    await this.dataSource.transaction(async (manager) => {
      const rows: Record<string, unknown>[] = await manager.query(
        `SELECT user_id, status, binding_expires_at, binding_used_at FROM two_factor_enrolments
         WHERE binding_token_hash = $1 FOR UPDATE`,
        [sha256(bindingToken)],
      );
      // Another user's token is as unknown as a made-up one.
      const row = rows[0];
      if (!row || row.user_id !== origin.userId) {
        throw TwoFactorError.bindingNotFound();
      }
      if (row.binding_used_at || row.status !== 'pending') {
        throw TwoFactorError.bindingUsed();
      }
      if ((row.binding_expires_at as Date) <= boundAt) {
        throw TwoFactorError.bindingExpired();
      }
      await manager.query(
        `UPDATE two_factor_enrolments
         SET binding_used_at = $2, bound_session_id = $3, bound_device_name = $4, bound_at = $2
         WHERE user_id = $1`,
        [origin.userId, boundAt, origin.sessionId, name],
      );
    });
    this.logger.log({ userId: origin.userId, sessionId: origin.sessionId }, 'app bound');

    return { deviceName: name, boundAt };
  }

  /** The first correct code from the bound app turns the second factor on. */
  async confirm(origin: RequestOrigin, code: string): Promise<TwoFactorStatus> {
    await this.codes.withCode(origin, code, async (manager, check) => {
      const enrolment = await findEnrolment(manager, origin.userId, { lock: true });
      if (!enrolment) {
        throw TwoFactorError.enrolmentNotFound();
      }
      if (enrolment.status === 'enabled') {
        throw TwoFactorError.alreadyEnabled();
      }
      // An app whose session has ended since it bound (signed out, refresh reused) could never
      // answer an approval: turning the factor on with it would leave no way to disable it.
      if (
        !enrolment.boundSessionId ||
        !(await this.sessions.findLive(origin.userId, enrolment.boundSessionId))
      ) {
        throw TwoFactorError.enrolmentNotBound();
      }
      await check(enrolment);
      await manager.query(
        `UPDATE two_factor_enrolments SET status = 'enabled', enrolled_at = now() WHERE user_id = $1`,
        [origin.userId],
      );
      await recordAudit(manager, this.outbox, {
        orgId: origin.orgId,
        actorId: origin.userId,
        subjectUserId: origin.userId,
        action: 'two_factor.enrolled',
        details: { enrolmentId: enrolment.enrolmentId, boundDeviceName: enrolment.boundDeviceName },
        clientIp: origin.clientIp,
      });
    });
    this.outbox.notify();
    this.logger.log({ userId: origin.userId }, 'two-factor enabled');

    return this.status(origin);
  }

  private async otpauthUri(
    origin: RequestOrigin,
    secret: string,
    bindingToken: string,
  ): Promise<string> {
    return otpauthUri({
      issuer: this.settings.issuer,
      account: await this.accountName(origin.userId),
      secret,
      algorithm: PRODUCT_TOTP.algorithm,
      digits: PRODUCT_TOTP.digits,
      period: this.settings.periodSeconds,
      binding: bindingToken,
    });
  }

  private async accountName(userId: string): Promise<string> {
    const { items } = await this.contacts.getUsers(
      systemCaller(SYSTEM_USER_ID, normaliseCorrelationId(currentCorrelationId())),
      { userIds: [userId] },
    );

    return items[0]?.email || userId;
  }
}
