import { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { JetStreamClient, NatsConnection } from 'nats';
import { DataSource, EntityManager } from 'typeorm';

import { ConsumedEvent, DurableConsumer } from './durable-consumer';
import { ensureStream, eventSubject, serviceStream } from './streams';

/** Which of another service's facts a consumer reads, and under what name. */
export interface ServiceEventSubscription {
  /** The deployment's subject prefix (the app's `nats.prefix`). */
  prefix: string;
  /** The publishing service, e.g. `contacts`. */
  service: string;
  /** Event names under the service, e.g. `user.disabled`. */
  events: string[];
  /** The consumer's durable name; also where its handled event ids are kept. */
  durable: string;
}

/**
 * A Nest provider that reads another service's facts through one
 * DurableConsumer: started once the app has started, stopped (after the event
 * in hand is finished) before shutdown. Subclasses say what they read and
 * handle each event in the transaction that records it handled.
 */
export abstract class ServiceEventConsumer<T>
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private consumer?: DurableConsumer<T>;

  protected constructor(
    private readonly dataSource: DataSource,
    private readonly nats: NatsConnection,
    private readonly jetstream: JetStreamClient,
  ) {}

  protected abstract subscription(): ServiceEventSubscription;

  protected abstract handle(event: ConsumedEvent<T>, manager: EntityManager): Promise<void>;

  async onApplicationBootstrap(): Promise<void> {
    const { prefix, service, events, durable } = this.subscription();
    const stream = serviceStream(prefix, service);
    const manager = await this.nats.jetstreamManager();
    // The publisher may start after us: its stream is made the way it makes it,
    // so the consumer exists before anything is published and misses nothing.
    await ensureStream(manager, stream);
    this.consumer = new DurableConsumer<T>(this.dataSource, this.jetstream, manager, {
      stream: stream.name,
      durable,
      filterSubjects: events.map((event) => eventSubject(prefix, service, event)),
      handle: (event, transaction) => this.handle(event, transaction),
    });
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}
