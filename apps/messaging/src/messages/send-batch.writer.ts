import { messaging } from '@confer/proto';

import { blockedPrivateSends } from '../blocks/block-list';
import { BlockedError } from '../blocks/blocks.errors';
import { ChangeTransaction } from '../changes/change-transaction';
import { ConversationError } from '../conversations/conversation.errors';
import { messageColumns, MessageRow, toMessage } from './message.mapper';
import type { PendingSend } from './send-batcher';
import { updateReturning } from '../sql';

export type SendOutcome = { result: messaging.SendMessageResult } | { error: unknown };

interface NewMessage {
  index: number;
  row: MessageRow;
  orgId: string;
}

interface SeqRow {
  id: string;
  org_id: string;
  last_seq: string;
  at: Date;
}

/**
 * Writes one batch of sends inside a transaction that holds the locks of all
 * their conversations, with a fixed number of statements whatever the batch
 * size: one read of earlier client message ids, one membership check, one
 * blacklist check (private chats only), one
 * seq update, one insert each for messages, changes and outbox, one update of
 * the senders' read cursors. Returns one outcome per request, in order.
 */
export async function writeSendBatch(
  tx: ChangeTransaction,
  batch: PendingSend[],
  newId: () => string,
): Promise<SendOutcome[]> {
  const members = await currentMembers(tx, batch);
  const earlier = await earlierMessages(tx, batch);
  const blocked = await blockedPrivateSends(
    tx.manager,
    batch.map((pending) => ({
      conversationId: pending.conversationId,
      senderId: pending.caller.userId,
    })),
  );
  const outcomes: SendOutcome[] = new Array(batch.length);
  const fresh: NewMessage[] = [];
  const firstInBatch = new Map<string, number>();
  batch.forEach((pending, index) => {
    const sender = pending.caller.userId;
    if (!members.has(pairOf(pending.conversationId, sender))) {
      outcomes[index] = { error: ConversationError.notFound(pending.conversationId) };

      return;
    }
    const key = keyOf(pending.conversationId, sender, pending.input.clientMessageId);
    const seen = earlier.get(key);
    if (seen) {
      outcomes[index] = { result: { message: toMessage(seen), created: false } };

      return;
    }
    // After the duplicate check: a retry of a message accepted before the block still answers it.
    if (blocked.has(`${pending.conversationId}:${sender}`)) {
      outcomes[index] = { error: BlockedError.message(pending.conversationId) };

      return;
    }
    if (firstInBatch.has(key)) {
      return;
    }
    firstInBatch.set(key, index);
    fresh.push({ index, orgId: '', row: draftRow(pending, newId()) });
  });
  if (fresh.length > 0) {
    await writeMessages(tx, fresh);
    for (const message of fresh) {
      outcomes[message.index] = { result: { message: toMessage(message.row), created: true } };
    }
  }
  // A client message id repeated within the batch gets the first one's message.
  batch.forEach((pending, index) => {
    if (outcomes[index] === undefined) {
      const key = keyOf(
        pending.conversationId,
        pending.caller.userId,
        pending.input.clientMessageId,
      );
      const first = outcomes[firstInBatch.get(key)!] as { result: messaging.SendMessageResult };
      outcomes[index] = { result: { message: first.result.message, created: false } };
    }
  });

  return outcomes;
}

async function writeMessages(tx: ChangeTransaction, fresh: NewMessage[]): Promise<void> {
  await tx.begin();
  const perConversation = new Map<string, { count: number; lastId: string }>();
  for (const { row } of fresh) {
    const entry = perConversation.get(row.conversation_id) ?? { count: 0, lastId: row.id };
    perConversation.set(row.conversation_id, { count: entry.count + 1, lastId: row.id });
  }
  const ids = [...perConversation.keys()];
  // Gapless seqs: each conversation's counter moves by its number of new
  // messages, under the conversation's lock.
  const seqRows = await updateReturning<SeqRow>(
    tx.manager,
    `UPDATE conversations c SET last_seq = c.last_seq + n.count, last_message_id = n.last_id,
       last_message_at = now(), updated_at = now()
     FROM unnest($1::uuid[], $2::int[], $3::uuid[]) AS n(id, count, last_id)
     WHERE c.id = n.id
     RETURNING c.id, c.org_id, c.last_seq, now() AS at`,
    [
      ids,
      ids.map((id) => perConversation.get(id)!.count),
      ids.map((id) => perConversation.get(id)!.lastId),
    ],
  );
  const next = new Map(
    seqRows.map((r) => [r.id, Number(r.last_seq) - perConversation.get(r.id)!.count + 1]),
  );
  const byId = new Map(seqRows.map((r) => [r.id, r]));
  for (const message of fresh) {
    const conversation = byId.get(message.row.conversation_id)!;
    const seq = next.get(conversation.id)!;
    next.set(conversation.id, seq + 1);
    message.orgId = conversation.org_id;
    message.row.seq = String(seq);
    message.row.created_at = conversation.at;
    message.row.stream_pos = String(tx.nextPosition);
    tx.record({
      orgId: conversation.org_id,
      conversationId: conversation.id,
      userId: null,
      type: 'message.created',
      data: toMessage(message.row),
    });
  }
  await insertMessages(tx, fresh);
  await advanceSenderCursors(tx, fresh);
  for (const { row, orgId } of fresh) {
    tx.emit('message.created', {
      orgId,
      conversationId: row.conversation_id,
      messageId: row.id,
      seq: Number(row.seq),
      senderId: row.sender_id,
      kind: row.kind,
      createdAt: row.created_at.toISOString(),
    });
  }
}

async function insertMessages(tx: ChangeTransaction, fresh: NewMessage[]): Promise<void> {
  const rows = fresh.map((m) => m.row);
  await tx.manager.query(
    `INSERT INTO messages (conversation_id, seq, id, org_id, sender_id, client_message_id, kind,
       text, emoji, created_at, stream_pos)
     SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::uuid[], $4::uuid[], $5::uuid[], $6::text[],
       $7::text[], $8::text[], $9::text[], $10::timestamptz[], $11::bigint[])`,
    [
      rows.map((r) => r.conversation_id),
      rows.map((r) => r.seq),
      rows.map((r) => r.id),
      fresh.map((m) => m.orgId),
      rows.map((r) => r.sender_id),
      rows.map((r) => r.client_message_id),
      rows.map((r) => r.kind),
      rows.map((r) => r.text),
      rows.map((r) => r.emoji),
      rows.map((r) => r.created_at),
      rows.map((r) => r.stream_pos),
    ],
  );
}

/** A sender has read their own message: each sender's cursor moves to their last new seq. */
async function advanceSenderCursors(tx: ChangeTransaction, fresh: NewMessage[]): Promise<void> {
  const highest = new Map<string, { conversationId: string; userId: string; seq: number }>();
  for (const { row } of fresh) {
    const key = pairOf(row.conversation_id, row.sender_id);
    const seq = Number(row.seq);
    if ((highest.get(key)?.seq ?? 0) < seq) {
      highest.set(key, { conversationId: row.conversation_id, userId: row.sender_id, seq });
    }
  }
  const cursors = [...highest.values()];
  await tx.manager.query(
    `UPDATE members m SET read_seq = greatest(m.read_seq, v.seq)
     FROM unnest($1::uuid[], $2::uuid[], $3::bigint[]) AS v(conversation_id, user_id, seq)
     WHERE m.conversation_id = v.conversation_id AND m.user_id = v.user_id`,
    [cursors.map((c) => c.conversationId), cursors.map((c) => c.userId), cursors.map((c) => c.seq)],
  );
}

/** The (conversation, sender) pairs of the batch that are current memberships. */
async function currentMembers(tx: ChangeTransaction, batch: PendingSend[]): Promise<Set<string>> {
  // Primary key (conversation_id, user_id), probed once per pair.
  const rows: { conversation_id: string; user_id: string }[] = await tx.manager.query(
    `SELECT m.conversation_id, m.user_id FROM members m
     JOIN unnest($1::uuid[], $2::uuid[]) AS p(conversation_id, user_id)
       ON m.conversation_id = p.conversation_id AND m.user_id = p.user_id
     WHERE m.left_pos IS NULL`,
    [batch.map((p) => p.conversationId), batch.map((p) => p.caller.userId)],
  );

  return new Set(rows.map((r) => pairOf(r.conversation_id, r.user_id)));
}

/** Messages already stored under the batch's client message ids. */
async function earlierMessages(
  tx: ChangeTransaction,
  batch: PendingSend[],
): Promise<Map<string, MessageRow>> {
  // messages_client_id (conversation_id, sender_id, client_message_id).
  const rows: MessageRow[] = await tx.manager.query(
    `SELECT ${messageColumns('m')} FROM messages m
     JOIN unnest($1::uuid[], $2::uuid[], $3::text[]) AS k(conversation_id, sender_id, client_message_id)
       ON m.conversation_id = k.conversation_id AND m.sender_id = k.sender_id
       AND m.client_message_id = k.client_message_id`,
    [
      batch.map((p) => p.conversationId),
      batch.map((p) => p.caller.userId),
      batch.map((p) => p.input.clientMessageId),
    ],
  );

  return new Map(rows.map((r) => [keyOf(r.conversation_id, r.sender_id, r.client_message_id), r]));
}

function draftRow(pending: PendingSend, id: string): MessageRow {
  return {
    id,
    conversation_id: pending.conversationId,
    seq: '0',
    sender_id: pending.caller.userId,
    client_message_id: pending.input.clientMessageId,
    kind: pending.input.kind,
    text: pending.input.text,
    emoji: pending.input.emoji,
    created_at: new Date(0),
    stream_pos: '0',
  };
}

function pairOf(conversationId: string, userId: string): string {
  return `${conversationId}/${userId}`;
}

function keyOf(conversationId: string, userId: string, clientMessageId: string): string {
  return `${conversationId}/${userId}/${clientMessageId}`;
}
