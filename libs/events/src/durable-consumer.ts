import { Logger } from '@nestjs/common';
import {
  AckPolicy,
  ConsumerMessages,
  DeliverPolicy,
  JetStreamClient,
  JetStreamManager,
  JsMsg,
} from 'nats';
import { DataSource, EntityManager } from 'typeorm';

import { CORRELATION_HEADER, normaliseCorrelationId, runWithCorrelation } from '@confer/logging';

export interface ConsumedEvent<T> {
  id: string;
  subject: string;
  payload: T;
}

export interface DurableConsumerOptions<T> {
  stream: string;
  /** The consumer's durable name; also the key its handled-event ids are stored under. */
  durable: string;
  filterSubjects: string[];
  /** Runs in the transaction that records the event as handled. */
  handle: (event: ConsumedEvent<T>, manager: EntityManager) => Promise<void>;
  maxDeliver?: number;
}

const NANOS_PER_MS = 1_000_000;

/**
 * A JetStream durable pull consumer that handles each event exactly once in
 * effect: the event id is recorded in handled_events in the same transaction
 * as the handler's writes, so a redelivery after a crash finds it and only
 * acknowledges.
 */
export class DurableConsumer<T> {
  private readonly logger = new Logger(DurableConsumer.name);
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly dataSource: DataSource,
    private readonly jetstream: JetStreamClient,
    private readonly manager: JetStreamManager,
    private readonly options: DurableConsumerOptions<T>,
  ) {}

  async start(): Promise<void> {
    const { stream, durable, filterSubjects } = this.options;
    await this.manager.consumers.add(stream, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      // filter_subjects needs nats-server 2.10; one subject works on 2.9 (Debian's) too.
      ...(filterSubjects.length === 1
        ? { filter_subject: filterSubjects[0] }
        : { filter_subjects: filterSubjects }),
      max_deliver: this.options.maxDeliver ?? 10,
      ack_wait: 30_000 * NANOS_PER_MS,
    });
    const consumer = await this.jetstream.consumers.get(stream, durable);
    this.messages = await consumer.consume({ max_messages: 200 });
    this.loop = (async () => {
      for await (const message of this.messages!) {
        await this.process(message);
      }
    })();
  }

  async stop(): Promise<void> {
    await this.messages?.close();
    await this.loop;
  }

  private async process(message: JsMsg): Promise<void> {
    const id = message.headers?.get('Nats-Msg-Id') || `${message.info.stream}:${message.seq}`;
    const correlationId = normaliseCorrelationId(message.headers?.get(CORRELATION_HEADER));
    await runWithCorrelation(correlationId, async () => {
      try {
        const payload = JSON.parse(this.decoder.decode(message.data)) as T;
        await this.dataSource.transaction(async (manager) => {
          const fresh: unknown[] = await manager.query(
            `INSERT INTO handled_events (consumer, event_id) VALUES ($1, $2)
             ON CONFLICT DO NOTHING RETURNING 1`,
            [this.options.durable, id],
          );
          if (fresh.length > 0) {
            await this.options.handle({ id, subject: message.subject, payload }, manager);
          }
        });
        message.ack();
      } catch (error) {
        const attempt = message.info.redeliveryCount;
        const maxDeliver = this.options.maxDeliver ?? 10;
        if (attempt >= maxDeliver) {
          this.logger.error(
            { err: error, eventId: id, subject: message.subject, consumer: this.options.durable },
            'event dropped after its last delivery attempt',
          );
          message.term();

          return;
        }
        this.logger.warn(
          { err: error, eventId: id, subject: message.subject, attempt },
          'event handling failed; will be redelivered',
        );
        message.nak(Math.min(200 * 2 ** attempt, 30_000));
      }
    });
  }
}
