import { Inject, Injectable, Logger } from '@nestjs/common';
import { JetStreamClient, NatsConnection } from 'nats';
import { DataSource, EntityManager } from 'typeorm';

import {
  ConsumedEvent,
  JETSTREAM,
  NATS_CONNECTION,
  ServiceEventConsumer,
  ServiceEventSubscription,
} from '@confer/events';
import { events } from '@confer/proto';

import { MESSAGING_CONFIG, MessagingConfig } from '../config';

/** The durable consumer's name; also where its handled event ids are kept. */
export const BLOCK_CHANGED_CONSUMER = 'messaging-block-changed';

/**
 * Keeps messaging's copy of everyone's blacklist from contacts' block.changed
 * events, so sends check it locally. The JetStream consumer is durable and
 * the projection is a table: a restart resumes where it stopped and forgets
 * nothing already applied.
 */
@Injectable()
export class BlockChangedConsumer extends ServiceEventConsumer<events.BlockChanged> {
  private readonly logger = new Logger(BlockChangedConsumer.name);

  constructor(
    dataSource: DataSource,
    @Inject(NATS_CONNECTION) nats: NatsConnection,
    @Inject(JETSTREAM) jetstream: JetStreamClient,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
  ) {
    super(dataSource, nats, jetstream);
  }

  protected subscription(): ServiceEventSubscription {
    return {
      prefix: this.config.nats.prefix,
      service: 'contacts',
      events: ['block.changed'],
      durable: BLOCK_CHANGED_CONSUMER,
    };
  }

  protected async handle(
    { payload }: ConsumedEvent<events.BlockChanged>,
    transaction: EntityManager,
  ): Promise<void> {
    await applyBlockChange(transaction, payload);
    this.logger.debug(
      { blockerId: payload.blockerId, blockedId: payload.blockedId, blocked: payload.blocked },
      'block change applied',
    );
  }
}

/**
 * Stores a pair's state unless a newer version is already stored: events of
 * one pair may arrive out of order after a redelivery, and the newest wins.
 */
export async function applyBlockChange(
  manager: EntityManager,
  change: Pick<events.BlockChanged, 'blockerId' | 'blockedId' | 'blocked' | 'version'>,
): Promise<void> {
  await manager.query(
    `INSERT INTO user_blocks (blocker_id, blocked_id, blocked, version)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (blocker_id, blocked_id) DO UPDATE
       SET blocked = EXCLUDED.blocked, version = EXCLUDED.version, updated_at = now()
       WHERE user_blocks.version < EXCLUDED.version`,
    [change.blockerId, change.blockedId, change.blocked, String(change.version)],
  );
}
