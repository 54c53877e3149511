import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';

import { RequestError } from '@confer/errors';
import { REDIS } from '@confer/redis';

import { GATEWAY_CONFIG, GatewayConfig } from '../config';

/**
 * Progress of one idempotent request: `stage` names the last step that
 * finished (a retry resumes after it), `fingerprint` the request it belongs to.
 */
export interface IdempotencyRecord<T = unknown> {
  stage: string;
  fingerprint: string;
  value?: T;
}

/** How long a key is remembered after its request finished. */
const RESULT_TTL_SECONDS = 24 * 60 * 60;
/** How long a claimed key blocks others when its request died half-way. */
const CLAIM_TTL_SECONDS = 60;

/** Idempotency records in Redis, one per (scope, caller, key), expiring after a day. */
@Injectable()
export class IdempotencyStore {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /**
   * Claims a key for a request. Answers null when the key is new (the caller
   * goes ahead), or the record left by the earlier request with this key.
   */
  async claim(key: string, fingerprint: string): Promise<IdempotencyRecord | null> {
    const record: IdempotencyRecord = { stage: 'claimed', fingerprint };
    const stored = await this.guard(async () => {
      const claimed = await this.redis.set(
        key,
        JSON.stringify(record),
        'EX',
        CLAIM_TTL_SECONDS,
        'NX',
      );

      return claimed === 'OK' ? null : this.redis.get(key);
    });
    if (stored === null) {
      return null;
    }
    const earlier = JSON.parse(stored) as IdempotencyRecord;
    if (earlier.fingerprint !== fingerprint) {
      throw RequestError.invalid('This Idempotency-Key was used for a different request.', {
        fields: { 'Idempotency-Key': ['already used for a different request'] },
      });
    }

    return earlier;
  }

  async save(key: string, record: IdempotencyRecord): Promise<void> {
    await this.guard(() => this.redis.set(key, JSON.stringify(record), 'EX', RESULT_TTL_SECONDS));
  }

  /** Forgets a claim whose request failed before changing anything, so a retry starts afresh. */
  async release(key: string): Promise<void> {
    await this.guard(() => this.redis.del(key));
  }

  scopedKey(scope: string, callerId: string, key: string): string {
    return `${this.config.nats.prefix}:idempotency:${scope}:${callerId}:${key}`;
  }

  private async guard<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw RequestError.unavailable('redis', 1, error);
    }
  }
}
