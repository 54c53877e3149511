import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { JetStreamClient, NatsConnection } from 'nats';
import { DataSource } from 'typeorm';

import { JETSTREAM, NATS_CONNECTION } from './nats.module';
import { OutboxRelay } from './outbox-relay';
import { ensureStream, eventSubject, serviceStream } from './streams';

export const OUTBOX_OPTIONS = Symbol('OUTBOX_OPTIONS');

export interface OutboxOptions {
  /** The publishing service: the second token of its subjects and the name of its stream. */
  service: string;
  /** NATS_PREFIX: the first token of every subject and stream name. */
  prefix: string;
}

/**
 * Moves this service's committed outbox rows to its JetStream stream. The
 * relay starts once the app is up and stops before the database and NATS
 * connections close, so a shutdown never strands a half-published batch.
 */
@Injectable()
export class OutboxPublisher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly relay: OutboxRelay;

  constructor(
    dataSource: DataSource,
    @Inject(JETSTREAM) jetstream: JetStreamClient,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(OUTBOX_OPTIONS) private readonly options: OutboxOptions,
  ) {
    this.relay = new OutboxRelay(dataSource, jetstream);
  }

  /** The subject of one of this service's facts, e.g. `user.created`. */
  subject(event: string): string {
    return eventSubject(this.options.prefix, this.options.service, event);
  }

  /** Call after a commit that wrote outbox rows, so they leave without waiting for the poll. */
  notify(): void {
    this.relay.notify();
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureStream(
      await this.nats.jetstreamManager(),
      serviceStream(this.options.prefix, this.options.service),
    );
    this.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}
