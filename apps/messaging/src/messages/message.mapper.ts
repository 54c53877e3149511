import { messaging } from '@confer/proto';

import { MessageKindName } from './message-input';

/** A messages row as the queries in this app select it. */
export interface MessageRow {
  id: string;
  conversation_id: string;
  seq: string;
  sender_id: string;
  client_message_id: string;
  kind: MessageKindName;
  text: string | null;
  emoji: string | null;
  created_at: Date;
  stream_pos: string;
}

const COLUMNS = [
  'id',
  'conversation_id',
  'seq',
  'sender_id',
  'client_message_id',
  'kind',
  'text',
  'emoji',
  'created_at',
  'stream_pos',
];

/** The select list of a MessageRow, optionally qualified by a table alias. */
export function messageColumns(alias?: string): string {
  return COLUMNS.map((column) => (alias ? `${alias}.${column}` : column)).join(', ');
}

const KIND_TO_PROTO: Record<MessageKindName, messaging.MessageKind> = {
  text: messaging.MessageKind.MESSAGE_KIND_TEXT,
  emoji: messaging.MessageKind.MESSAGE_KIND_EMOJI,
};

export function toMessage(row: MessageRow): messaging.Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: Number(row.seq),
    senderId: row.sender_id,
    clientMessageId: row.client_message_id,
    kind: KIND_TO_PROTO[row.kind],
    text: row.text ?? '',
    emoji: row.emoji ?? '',
    createdAt: new Date(row.created_at).toISOString(),
    streamPos: Number(row.stream_pos),
  };
}
