import { randomBytes, randomUUID } from 'node:crypto';

import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

import { OutboxPublisher, recordAudit } from '@confer/events';

import { returnedRows } from '../two-factor/returned-rows';
import { isUuid, RequestOrigin, sha256 } from '../two-factor/session-context';
import { TWO_FACTOR_SETTINGS, TwoFactorSettings } from '../two-factor/two-factor.settings';
import { TrustedDeviceError } from './trusted-devices.errors';

export interface TrustedDevice {
  id: string;
  name: string;
  firstUsedAt: Date;
  lastUsedAt: Date;
  lastIp: string;
  expiresAt: Date;
}

/**
 * "Trust this computer": an opaque 256-bit credential the client keeps and
 * sends at login to skip the second factor. Only its SHA-256 is stored; it
 * expires after the configured days and is revocable one by one or all at once.
 */
@Injectable()
export class TrustedDevicesService {
  private readonly logger = new Logger(TrustedDevicesService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxPublisher,
    @Inject(TWO_FACTOR_SETTINGS) private readonly settings: TwoFactorSettings,
  ) {}

  /** Issues a credential in the caller's transaction; the token is returned once and never kept. */
  async trust(
    manager: EntityManager,
    origin: RequestOrigin,
    name: string,
  ): Promise<{ id: string; token: string }> {
    const id = randomUUID();
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.settings.trustedDeviceDays * 86_400_000);
    const deviceName = name.trim() || origin.deviceName || 'Unnamed device';
    await manager.query(
      `INSERT INTO trusted_devices
         (id, user_id, org_id, name, token_hash, first_used_at, last_used_at, last_ip, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8)`,
      [id, origin.userId, origin.orgId, deviceName, sha256(token), now, origin.clientIp, expiresAt],
    );
    await recordAudit(manager, this.outbox, {
      orgId: origin.orgId,
      actorId: origin.userId,
      subjectUserId: origin.userId,
      action: 'two_factor.device_trusted',
      details: { deviceId: id, deviceName, sessionId: origin.sessionId },
      clientIp: origin.clientIp,
      occurredAt: now,
    });

    return { id, token };
  }

  /**
   * The device a login presents, when it is this user's, unrevoked and
   * unexpired; its last use is recorded. Anything else is undefined: the login
   * then owes the second factor as usual.
   */
  async recognise(userId: string, token: string, clientIp: string): Promise<string | undefined> {
    if (!token) {
      return undefined;
    }
    const rows = returnedRows<{ id: string }>(
      await this.dataSource.query(
        `UPDATE trusted_devices SET last_used_at = now(), last_ip = $3
         WHERE token_hash = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > now()
         RETURNING id`,
        [sha256(token), userId, clientIp],
      ),
    );

    return rows[0]?.id;
  }

  /**
   * Whether the token is a live trusted device of this user, read only: asked
   * before the password is checked (login limits), so nothing is recorded.
   */
  async holds(userId: string, token: string): Promise<boolean> {
    if (!token) {
      return false;
    }
    // Served by trusted_devices_token.
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM trusted_devices
       WHERE token_hash = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > now()`,
      [sha256(token), userId],
    );

    return rows.length > 0;
  }

  async list(userId: string): Promise<TrustedDevice[]> {
    // Served by trusted_devices_user_live.
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT * FROM trusted_devices
       WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()
       ORDER BY last_used_at DESC, id`,
      [userId],
    );

    return rows.map((row) => ({
      id: row.id as string,
      name: row.name as string,
      firstUsedAt: row.first_used_at as Date,
      lastUsedAt: row.last_used_at as Date,
      lastIp: row.last_ip as string,
      expiresAt: row.expires_at as Date,
    }));
  }

  /** Revokes one of the user's devices; another user's id is not found, like an unknown one. */
  async revoke(origin: RequestOrigin, deviceId: string): Promise<void> {
    const revoked = await this.dataSource.transaction(async (manager) => {
      const rows = await this.revokeWhere(manager, origin, 'id = $2', [deviceId]);
      if (rows === 0) {
        throw TrustedDeviceError.notFound();
      }

      return rows;
    });
    this.afterRevoke(origin, revoked);
  }

  async revokeAll(origin: RequestOrigin): Promise<number> {
    const revoked = await this.dataSource.transaction((manager) =>
      this.revokeWhere(manager, origin, 'TRUE', []),
    );
    this.afterRevoke(origin, revoked);

    return revoked;
  }

  /** Revokes every device of the user in the caller's transaction (2FA disabled). */
  async revokeAllIn(manager: EntityManager, origin: RequestOrigin): Promise<number> {
    return this.revokeWhere(manager, origin, 'TRUE', []);
  }

  private async revokeWhere(
    manager: EntityManager,
    origin: RequestOrigin,
    condition: string,
    parameters: unknown[],
  ): Promise<number> {
    // An id that is no uuid names no device (and would fail the uuid column's cast).
    if (!parameters.every((value) => typeof value !== 'string' || isUuid(value))) {
      return 0;
    }
    const rows = returnedRows<{ id: string; name: string }>(
      await manager.query(
        `UPDATE trusted_devices SET revoked_at = now()
         WHERE user_id = $1 AND revoked_at IS NULL AND ${condition}
         RETURNING id, name`,
        [origin.userId, ...parameters],
      ),
    );
    for (const row of rows) {
      await recordAudit(manager, this.outbox, {
        orgId: origin.orgId,
        actorId: origin.userId,
        subjectUserId: origin.userId,
        action: 'two_factor.device_revoked',
        details: { deviceId: row.id, deviceName: row.name },
        clientIp: origin.clientIp,
      });
    }

    return rows.length;
  }

  private afterRevoke(origin: RequestOrigin, count: number): void {
    if (count > 0) {
      this.outbox.notify();
      this.logger.log({ userId: origin.userId, count }, 'trusted devices revoked');
    }
  }
}
