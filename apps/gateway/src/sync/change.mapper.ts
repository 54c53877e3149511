import { messaging } from '@confer/proto';

import { LiveFrame } from '@confer/events';

import { toConversationDto } from '../conversations/conversation.mapper';
import { toMessageDto } from '../messages/message.mapper';
import { ChangeDto, SyncPageDto } from './sync.dto';

/**
 * Messaging stores each change's data in its gRPC shape (enum names, empty
 * strings for unset fields); devices get the HTTP API's shape, the same
 * whether a change arrives live or through sync.
 */
export function toApiChangeData(type: string, data: unknown): unknown {
  if (data === null || typeof data !== 'object') {
    return data;
  }
  switch (type) {
    case 'message.created':
      return toMessageDto(data as messaging.Message);
    case 'member.added':
    case 'conversation.updated': {
      const { conversation, ...rest } = data as { conversation?: messaging.Conversation };

      return conversation ? { ...rest, conversation: sharedConversation(conversation) } : data;
    }
    default:
      return data;
  }
}

/** A conversation as every member sees it: without one member's own role and read cursor. */
function sharedConversation(conversation: messaging.Conversation) {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { role, readSeq, ...shared } = toConversationDto(conversation);

  return shared;
}

/** A change's data_json, parsed; a change whose data cannot be read carries null rather than failing the page. */
export function changeData(dataJson: string): unknown {
  if (!dataJson) {
    return null;
  }
  try {
    return JSON.parse(dataJson) as unknown;
  } catch {
    return null;
  }
}

export function toChangeDto(change: messaging.Change): ChangeDto {
  return {
    type: change.type,
    seq: change.seq,
    conversationId: change.conversationId || null,
    data: toApiChangeData(change.type, changeData(change.dataJson)),
  };
}

/** The WebSocket frame of a change, as live deliveries carry it. */
export function toLiveFrame(change: messaging.Change): LiveFrame {
  return {
    type: change.type,
    seq: change.seq,
    data: toApiChangeData(change.type, changeData(change.dataJson)),
  };
}

export function toSyncPageDto(page: messaging.SyncPage): SyncPageDto {
  return {
    items: page.items.map(toChangeDto),
    nextCursor: page.hasMore ? String(page.nextSince) : null,
    position: page.nextSince,
  };
}
