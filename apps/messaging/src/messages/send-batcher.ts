import { randomUUID } from 'node:crypto';

import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { Histogram } from 'prom-client';

import { Caller } from '@confer/grpc';
import { messaging } from '@confer/proto';

import { ChangeStream } from '../changes/change-stream';
import { MESSAGING_CONFIG, MessagingConfig } from '../config';
import { MessageInput } from './message-input';
import { SendOutcome, writeSendBatch } from './send-batch.writer';

const batchSizes = new Histogram({
  name: 'confer_messaging_send_batch_size',
  help: 'Sends written per group-commit transaction.',
  buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
});

/** One queued send: checked input, waiting for its batch. */
export interface PendingSend {
  caller: Caller;
  conversationId: string;
  input: MessageInput;
  resolve: (result: messaging.SendMessageResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for sends: requests queue while a transaction is in flight and
 * the next flush writes them all in one transaction, so throughput grows
 * with load instead of with the number of connections. Each flush takes at
 * most SEND_BATCH_MAX requests; one request's failure (not a member, a
 * duplicate) never fails the others.
 */
@Injectable()
export class SendBatcher implements BeforeApplicationShutdown {
  private readonly logger = new Logger(SendBatcher.name);
  private queue: PendingSend[] = [];
  private draining?: Promise<void>;

  constructor(
    private readonly changes: ChangeStream,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
  ) {}

  send(
    caller: Caller,
    conversationId: string,
    input: MessageInput,
  ): Promise<messaging.SendMessageResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ caller, conversationId, input, resolve, reject });
      if (!this.draining) {
        this.draining = this.drain();
      }
    });
  }

  /** Lets queued sends finish before the database and NATS connections close. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.draining;
  }

  private async drain(): Promise<void> {
    // Let requests that arrived in the same turn of the event loop join the first batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.config.sendBatchMax);
      await this.flush(batch);
    }
    this.draining = undefined;
  }

  private async flush(batch: PendingSend[]): Promise<void> {
    batchSizes.observe(batch.length);
    let outcomes: SendOutcome[];
    try {
      const lockKeys = batch.map((pending) => pending.conversationId);
      outcomes = await this.changes.run(lockKeys, (tx) => writeSendBatch(tx, batch, randomUUID));
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);

        return;
      }
      // A failure no request was checked for (a constraint, a lost connection):
      // write each alone so that one bad request fails by itself.
      this.logger.warn(
        { err: error, size: batch.length },
        'send batch failed; retrying one by one',
      );
      for (const pending of batch) {
        await this.flush([pending]);
      }

      return;
    }
    batch.forEach((pending, index) => {
      const outcome = outcomes[index];
      if ('error' in outcome) {
        pending.reject(outcome.error);
      } else {
        pending.resolve(outcome.result);
      }
    });
  }
}
