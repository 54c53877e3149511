import { Inject, Injectable, Logger } from '@nestjs/common';
import { JetStreamClient, NatsConnection } from 'nats';
import { DataSource, EntityManager } from 'typeorm';

import {
  ConsumedEvent,
  JETSTREAM,
  NATS_CONNECTION,
  ServiceEventConsumer,
  ServiceEventSubscription,
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
export class UserDisabledConsumer extends ServiceEventConsumer<events.UserDisabled> {
  private readonly logger = new Logger(UserDisabledConsumer.name);

  constructor(
    dataSource: DataSource,
    @Inject(NATS_CONNECTION) nats: NatsConnection,
    @Inject(JETSTREAM) jetstream: JetStreamClient,
    private readonly sessions: SessionsService,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {
    super(dataSource, nats, jetstream);
  }

  protected subscription(): ServiceEventSubscription {
    return {
      prefix: this.config.nats.prefix,
      service: 'contacts',
      events: ['user.disabled'],
      durable: USER_DISABLED_CONSUMER,
    };
  }

  protected async handle(
    { payload }: ConsumedEvent<events.UserDisabled>,
    transaction: EntityManager,
  ): Promise<void> {
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
  }
}
