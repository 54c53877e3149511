import { randomUUID } from 'node:crypto';

import { currentCorrelationId } from '@confer/logging';
import { EntityManager, QueryRunner } from 'typeorm';

/** An event to publish once the transaction that produced it commits. */
export interface OutboxEvent {
  /** Becomes Nats-Msg-Id: the key JetStream and consumers deduplicate on. */
  id?: string;
  subject: string;
  payload: object;
}

/**
 * Schema shared by every service's first migration: the outbox the relay
 * drains, and the handled-event ids that make consumers idempotent.
 */
export async function createOutboxTables(runner: QueryRunner): Promise<void> {
  await runner.query(`
    CREATE TABLE outbox (
      position bigserial PRIMARY KEY,
      id uuid NOT NULL UNIQUE,
      subject text NOT NULL,
      payload jsonb NOT NULL,
      correlation_id text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  await runner.query(`
    CREATE TABLE handled_events (
      consumer text NOT NULL,
      event_id text NOT NULL,
      handled_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, event_id)
    )`);
}

export async function dropOutboxTables(runner: QueryRunner): Promise<void> {
  await runner.query('DROP TABLE handled_events');
  await runner.query('DROP TABLE outbox');
}

/**
 * Writes events in the caller's transaction: they exist exactly when the
 * state change that produced them does. Returns the ids used.
 */
export async function writeOutbox(
  manager: EntityManager,
  events: OutboxEvent[],
): Promise<string[]> {
  if (events.length === 0) {
    return [];
  }
  const ids = events.map((event) => event.id ?? randomUUID());
  const correlationId = currentCorrelationId() ?? null;
  await manager.query(
    `INSERT INTO outbox (id, subject, payload, correlation_id)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::text[])`,
    [
      ids,
      events.map((event) => event.subject),
      events.map((event, index) => JSON.stringify({ eventId: ids[index], ...event.payload })),
      events.map(() => correlationId),
    ],
  );

  return ids;
}
