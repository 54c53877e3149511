import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { SecretCipher } from './secret-cipher';

/**
 * Key rotation's second half: at start, every secret sealed under a key other
 * than the first configured one is opened and sealed again under the first,
 * one row at a time under its lock. Once the log line reports none left on
 * every replica, the old key can be removed from TWO_FACTOR_SECRET_KEYS.
 */
@Injectable()
export class SecretResealer implements OnApplicationBootstrap {
  private readonly logger = new Logger(SecretResealer.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly cipher: SecretCipher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const resealed = await this.resealAll();
    if (resealed > 0) {
      this.logger.log(
        { resealed, keyId: this.cipher.currentKeyId },
        'two-factor secrets re-encrypted',
      );
    }
  }

  /** Re-encrypts every row under an old key; returns how many. Rows under unknown keys are left. */
  async resealAll(): Promise<number> {
    let resealed = 0;
    for (;;) {
      const done = await this.dataSource.transaction(async (manager) => {
        // SKIP LOCKED: replicas starting together share the work instead of waiting on each other.
        const rows: { user_id: string; secret_key_id: string; secret_sealed: Buffer }[] =
          await manager.query(
            `SELECT user_id, secret_key_id, secret_sealed FROM two_factor_enrolments
             WHERE secret_key_id <> $1 AND secret_key_id = ANY($2)
             LIMIT 100 FOR UPDATE SKIP LOCKED`,
            [this.cipher.currentKeyId, this.cipher.keyIds],
          );
        for (const row of rows) {
          const secret = this.cipher.open(
            { keyId: row.secret_key_id, sealed: row.secret_sealed },
            row.user_id,
          );
          const sealed = this.cipher.seal(secret, row.user_id);
          secret.fill(0);
          await manager.query(
            `UPDATE two_factor_enrolments SET secret_key_id = $2, secret_sealed = $3 WHERE user_id = $1`,
            [row.user_id, sealed.keyId, sealed.sealed],
          );
        }

        return rows.length;
      });
      resealed += done;
      if (done === 0) {
        return resealed;
      }
    }
  }
}
