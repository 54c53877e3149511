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
  ensureStream,
  JETSTREAM,
  NATS_CONNECTION,
  OutboxRelay,
  serviceStream,
} from '@confer/events';

import { MESSAGING_CONFIG, MessagingConfig } from '../config';

/** Owns the outbox relay: ensures this service's stream, starts relaying at boot, stops first at shutdown. */
@Injectable()
export class EventRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EventRelay.name);
  private readonly relay: OutboxRelay;

  constructor(
    dataSource: DataSource,
    @Inject(JETSTREAM) jetstream: JetStreamClient,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
  ) {
    this.relay = new OutboxRelay(dataSource, jetstream);
  }

  async onApplicationBootstrap(): Promise<void> {
    const stream = serviceStream(this.config.nats.prefix, 'messaging');
    await ensureStream(await this.nats.jetstreamManager(), stream);
    this.relay.start();
    this.logger.log({ stream: stream.name }, 'outbox relay started');
  }

  notify(): void {
    this.relay.notify();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}
