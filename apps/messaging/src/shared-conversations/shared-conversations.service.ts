import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { pageLimit } from '@confer/database';
import { Caller } from '@confer/grpc';
import { messaging } from '@confer/proto';

import { CONVERSATION_COLUMNS } from '../conversations/conversation.store';
import {
  ConversationRow,
  MembershipColumns,
  toConversation,
} from '../conversations/conversation.mapper';
import { isUuid } from '../conversations/ids';

export const SHARED_DEFAULT = 20;
export const SHARED_MAX = 50;

/**
 * The group chats and discussions the caller and another person are both
 * current members of, for the other person's contact card. Only the caller's
 * own conversations can appear, so nothing is revealed that the caller could
 * not already open.
 */
@Injectable()
export class SharedConversationsService {
  constructor(private readonly dataSource: DataSource) {}

  async list(
    caller: Caller,
    otherUserId: string,
    limit?: number,
  ): Promise<messaging.Conversation[]> {
    if (!isUuid(otherUserId) || otherUserId.toLowerCase() === caller.userId) {
      return [];
    }
    const size = pageLimit(limit, SHARED_DEFAULT, SHARED_MAX);
    // members_by_user (user_id, conversation_id) gives the caller's conversations; the
    // members primary key probes the other person's membership in each.
    const rows: (ConversationRow & MembershipColumns)[] = await this.dataSource.query(
      `SELECT ${CONVERSATION_COLUMNS}, m.role, m.read_seq, m.joined_seq
       FROM members m
       JOIN conversations c ON c.id = m.conversation_id
       JOIN members o ON o.conversation_id = m.conversation_id AND o.user_id = $2
       WHERE m.user_id = $1 AND m.left_pos IS NULL AND o.left_pos IS NULL
         AND c.kind IN ('group', 'discussion')
       ORDER BY coalesce(c.last_message_at, c.created_at) DESC, c.id
       LIMIT $3`,
      [caller.userId, otherUserId.toLowerCase(), size],
    );

    return rows.map((row) => toConversation(row, row));
  }
}
