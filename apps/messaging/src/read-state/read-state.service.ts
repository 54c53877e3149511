import { Injectable } from '@nestjs/common';

import { Caller } from '@confer/grpc';
import { messaging } from '@confer/proto';

import { ChangeStream } from '../changes/change-stream';
import { ConversationError } from '../conversations/conversation.errors';
import { requireMembership } from '../conversations/conversation.store';
import { isUuid } from '../conversations/ids';
import { requestPosition } from '../positions';

/**
 * Read cursors: one number per member, never a row per message. Unread count
 * is last_seq minus the cursor. A cursor only moves forward and never past the
 * last message; a move is a conversation.read change for the reader's other
 * devices.
 */
@Injectable()
export class ReadStateService {
  constructor(private readonly changes: ChangeStream) {}

  async markRead(caller: Caller, request: messaging.MarkReadRequest): Promise<messaging.ReadState> {
    if (!isUuid(request.conversationId)) {
      throw ConversationError.notFound(request.conversationId);
    }
    const conversationId = request.conversationId.toLowerCase();
    const wanted = requestPosition(request.seq, 'seq');

    return this.changes.run([conversationId], async (tx) => {
      const view = await requireMembership(tx.manager, conversationId, caller.userId);
      const lastSeq = Number(view.last_seq);
      const current = Number(view.read_seq);
      const readSeq = Math.max(current, Math.min(wanted, lastSeq));
      const state = { conversationId, readSeq, unreadCount: lastSeq - readSeq };
      if (readSeq === current) {
        return state;
      }
      await tx.begin();
      await tx.manager.query(
        'UPDATE members SET read_seq = $3 WHERE conversation_id = $1 AND user_id = $2',
        [conversationId, caller.userId, readSeq],
      );
      tx.record({
        orgId: view.org_id,
        conversationId,
        userId: caller.userId,
        type: 'conversation.read',
        data: state,
      });

      return state;
    });
  }
}
