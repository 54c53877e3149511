import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import {
  calculateJwkThumbprint,
  CryptoKey,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  importPKCS8,
  JWK,
} from 'jose';
import { DataSource, Not, Repository } from 'typeorm';

import { SigningKey } from './signing-key.entity';

export const SIGNING_ALGORITHM = 'RS256';

export interface ActiveSigningKey {
  kid: string;
  privateKey: CryptoKey;
}

/**
 * The issuer's RS256 key pairs. One is active (signs tokens); the JWKS
 * publishes every key not yet retired so tokens signed before a rotation
 * still verify. The first replica to start creates the first key.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit {
  private readonly logger = new Logger(SigningKeysService.name);
  private readonly keys: Repository<SigningKey>;
  private active?: Promise<ActiveSigningKey>;

  constructor(dataSource: DataSource) {
    this.keys = dataSource.getRepository(SigningKey);
  }

  async onModuleInit(): Promise<void> {
    await this.activeKey();
  }

  /** The key new tokens are signed with, loaded once per process. */
  activeKey(): Promise<ActiveSigningKey> {
    this.active ??= this.loadOrCreateActive().catch((error: unknown) => {
      this.active = undefined;
      throw error;
    });

    return this.active;
  }

  /** The JWK Set (RFC 7517) of every public key that tokens may still be signed with. */
  async jwks(): Promise<{ keys: JWK[] }> {
    const keys = await this.keys.find({
      where: { status: Not('retired') },
      order: { createdAt: 'ASC' },
    });

    return { keys: keys.map((key) => key.publicJwk as JWK) };
  }

  private async loadOrCreateActive(): Promise<ActiveSigningKey> {
    let key = await this.keys.findOneBy({ status: 'active' });
    if (!key) {
      await this.insertNewKey();
      key = await this.keys.findOneByOrFail({ status: 'active' });
    }

    return { kid: key.kid, privateKey: await importPKCS8(key.privateKeyPem, SIGNING_ALGORITHM) };
  }

  /**
   * Inserts a fresh active key unless one exists: the partial unique index
   * signing_keys_one_active turns a race between replicas into one winner,
   * and the others' inserts into no-ops.
   */
  private async insertNewKey(): Promise<void> {
    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALGORITHM, {
      extractable: true,
    });
    const jwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(jwk, 'sha256');
    const result = await this.keys
      .createQueryBuilder()
      .insert()
      .values({
        kid,
        algorithm: SIGNING_ALGORITHM,
        publicJwk: { ...jwk, kid, alg: SIGNING_ALGORITHM, use: 'sig' },
        privateKeyPem: await exportPKCS8(privateKey),
        status: 'active',
      })
      .orIgnore()
      .execute();
    if ((result.raw as unknown[]).length > 0) {
      this.logger.log({ kid }, 'signing key created');
    }
  }
}
