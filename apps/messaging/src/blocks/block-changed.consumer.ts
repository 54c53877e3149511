import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { JetStreamClient, NatsConnection } from 'nats';
import { DataSource, EntityManager } from 'typeorm';

import {
  DurableConsumer,
  ensureStream,
  eventSubject,
  JETSTREAM,
  NATS_CONNECTION,
  serviceStream,
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
export class BlockChangedConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(BlockChangedConsumer.name);
  private consumer?: DurableConsumer<events.BlockChanged>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(JETSTREAM) private readonly jetstream: JetStreamClient,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const prefix = this.config.nats.prefix;
    const stream = serviceStream(prefix, 'contacts');
    const manager = await this.nats.jetstreamManager();
    // contacts may start after us: its stream is made the way contacts makes it,
    // so the consumer exists before anything is published.
    await ensureStream(manager, stream);
    this.consumer = new DurableConsumer<events.BlockChanged>(
      this.dataSource,
      this.jetstream,
      manager,
      {
        stream: stream.name,
        durable: BLOCK_CHANGED_CONSUMER,
        filterSubjects: [eventSubject(prefix, 'contacts', 'block.changed')],
        handle: async ({ payload }, transaction) => {
          await applyBlockChange(transaction, payload);
          this.logger.debug(
            {
              blockerId: payload.blockerId,
              blockedId: payload.blockedId,
              blocked: payload.blocked,
            },
            'block change applied',
          );
        },
      },
    );
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
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
