import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { decodeCursor, encodeCursor, invalidCursor, pageLimit } from '@confer/database';
import { Caller } from '@confer/grpc';
import { messaging } from '@confer/proto';

import { ConversationError } from '../conversations/conversation.errors';
import { requireMembership } from '../conversations/conversation.store';
import { isUuid } from '../conversations/ids';
import { requestPosition } from '../positions';
import { validateMessageInput } from './message-input';
import { messageColumns, MessageRow, toMessage } from './message.mapper';
import { SendBatcher } from './send-batcher';

export const HISTORY_PAGE_DEFAULT = 50;
export const HISTORY_PAGE_MAX = 200;

const { HistoryDirection } = messaging;

/**
 * Sending (through the group-commit batcher) and reading history. A member
 * sees messages from their join on: the history before it stays private to
 * those who were there.
 */
@Injectable()
export class MessagesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly batcher: SendBatcher,
  ) {}

  /** Checks the content before queuing; membership and duplicates are checked in the batch. */
  send(
    caller: Caller,
    request: messaging.SendMessageRequest,
  ): Promise<messaging.SendMessageResult> {
    if (!isUuid(request.conversationId)) {
      throw ConversationError.notFound(request.conversationId);
    }
    const input = validateMessageInput(request);

    return this.batcher.send(caller, request.conversationId.toLowerCase(), input);
  }

  async list(
    caller: Caller,
    request: messaging.ListMessagesRequest,
  ): Promise<messaging.MessagePage> {
    const view = await requireMembership(
      this.dataSource.manager,
      request.conversationId,
      caller.userId,
    );
    const limit = pageLimit(request.limit, HISTORY_PAGE_DEFAULT, HISTORY_PAGE_MAX);
    const position = request.cursor
      ? historyCursor(request.cursor)
      : {
          d: request.direction === HistoryDirection.HISTORY_DIRECTION_FORWARD ? 'f' : 'b',
          s: requestPosition(request.seq, 'seq'),
        };
    const forward = position.d === 'f';
    const from = position.s;
    // Primary key (conversation_id, seq), walked in either direction from the
    // position, never before the member's join.
    const rows: MessageRow[] = await this.dataSource.query(
      forward
        ? `SELECT ${messageColumns()} FROM messages
           WHERE conversation_id = $1 AND seq > greatest($2::bigint, $3::bigint)
           ORDER BY seq LIMIT $4`
        : `SELECT ${messageColumns()} FROM messages
           WHERE conversation_id = $1 AND seq > $3::bigint AND ($2::bigint <= 0 OR seq < $2::bigint)
           ORDER BY seq DESC LIMIT $4`,
      [view.id, from, view.joined_seq, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];

    return {
      items: page.map(toMessage),
      nextCursor:
        rows.length > limit ? encodeCursor({ d: forward ? 'f' : 'b', s: Number(last.seq) }) : '',
    };
  }
}

/** A history position: direction (f or b) and the seq the page stopped at. */
function historyCursor(cursor: string): { d: string; s: number } {
  const position = decodeCursor(cursor, { d: 'string', s: 'integer' });
  if (position.d !== 'f' && position.d !== 'b') {
    throw invalidCursor();
  }

  return position;
}
