import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { JetStreamClient, NatsConnection } from 'nats';
import { DataSource } from 'typeorm';

import {
  DurableConsumer,
  ensureStream,
  eventSubject,
  JETSTREAM,
  NATS_CONNECTION,
  serviceStream,
  SYSTEM_ACTOR,
} from '@confer/events';
import { events } from '@confer/proto';

import { AUTH_CONFIG, AuthConfig } from '../config';
import { SessionsService } from './sessions.service';

/** The durable consumer's name; also where its handled event ids are kept. */
export const USER_DISABLED_CONSUMER = 'auth-2fa-user-disabled';

/**
 * Ends every session of a user the directory disabled (contacts' user.disabled),
 * exactly once per event, in the transaction that records the event handled.
 */
@Injectable()
export class UserDisabledConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(UserDisabledConsumer.name);
  private consumer?: DurableConsumer<events.UserDisabled>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(JETSTREAM) private readonly jetstream: JetStreamClient,
    private readonly sessions: SessionsService,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const prefix = this.config.nats.prefix;
    const stream = serviceStream(prefix, 'contacts');
    const manager = await this.nats.jetstreamManager();
    // contacts may start after us: its stream is made the way contacts makes it,
    // so the consumer can be created now and nothing published later is missed.
    await ensureStream(manager, stream);
    this.consumer = new DurableConsumer<events.UserDisabled>(
      this.dataSource,
      this.jetstream,
      manager,
      {
        stream: stream.name,
        durable: USER_DISABLED_CONSUMER,
        filterSubjects: [eventSubject(prefix, 'contacts', 'user.disabled')],
        handle: async ({ payload }, transaction) => {
          const ended = await this.sessions.revokeAllOfUser(
            payload.userId,
            'user_disabled',
            SYSTEM_ACTOR,
            { manager: transaction },
          );
          this.logger.log(
            { userId: payload.userId, orgId: payload.orgId, sessions: ended },
            'sessions of a disabled user ended',
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
