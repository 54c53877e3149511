import { Inject, Injectable } from '@nestjs/common';
import { NatsConnection } from 'nats';

import { LiveFrame, NATS_CONNECTION, publishLive } from '@confer/events';

import { MESSAGING_CONFIG, MessagingConfig } from '../config';

/** Sends committed changes to the users' devices over core NATS, one message per user per batch. */
@Injectable()
export class LivePublisher {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
  ) {}

  publish(framesByUser: Map<string, LiveFrame[]>): void {
    if (framesByUser.size > 0 && !this.nats.isClosed()) {
      publishLive(this.nats, this.config.nats.prefix, framesByUser);
    }
  }
}
