import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

import { MESSAGING_CONFIG, MessagingConfig } from '../config';
import { ChangeTransaction } from './change-transaction';
import { EventRelay } from './event-relay';
import { LiveTailer } from './live-tailer';

/**
 * Runs every write that produces changes: one transaction that first takes
 * the advisory locks of what it touches (sorted, so writers never deadlock),
 * then does its work, writes its changes and outbox events, commits, and then
 * wakes the live tailer and the outbox relay. Live frames never leave from
 * here: the tailer publishes them in position order once they are below the
 * horizon.
 *
 * The locks come before any write, so the transaction id (and with it every
 * position of its changes) is assigned while they are held: a later writer to
 * the same conversation always gets a higher id, and a conversation's changes
 * are in position order.
 */
@Injectable()
export class ChangeStream {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tailer: LiveTailer,
    private readonly relay: EventRelay,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
  ) {}

  async run<T>(lockKeys: string[], work: (tx: ChangeTransaction) => Promise<T>): Promise<T> {
    const { value, changes, events } = await this.dataSource.transaction(async (manager) => {
      await lockKeysInOrder(manager, lockKeys);
      const tx = new ChangeTransaction(manager, this.config.nats.prefix);
      const result = await work(tx);
      await tx.write();

      return { value: result, changes: tx.hasChanges, events: tx.hasEvents };
    });
    if (changes) {
      this.tailer.notify();
    }
    if (events) {
      this.relay.notify();
    }

    return value;
  }
}

/**
 * Transaction-scoped advisory locks on the keys' 64-bit hashes, taken in hash
 * order in one statement. A hash collision only makes two writers wait for
 * each other; it never lets two writers of one key run at once.
 */
export async function lockKeysInOrder(manager: EntityManager, keys: string[]): Promise<void> {
  if (keys.length === 0) {
    return;
  }
  await manager.query(
    `SELECT count(pg_advisory_xact_lock(k)) FROM (
       SELECT DISTINCT hashtextextended(key, 0) AS k FROM unnest($1::text[]) AS key ORDER BY k
     ) AS ordered`,
    [keys],
  );
}
