import { messaging } from '@confer/proto';

import { orNull } from '../conversations/conversation.mapper';
import { nextCursorOf } from '../http/paging.dto';
import { MessageDto, MessageKindName, MessagePageDto, ReadStateDto } from './messages.dto';

const KIND_BY_NAME: Record<MessageKindName, messaging.MessageKind> = {
  text: messaging.MessageKind.MESSAGE_KIND_TEXT,
  emoji: messaging.MessageKind.MESSAGE_KIND_EMOJI,
};

export function messageKind(name: MessageKindName): messaging.MessageKind {
  return KIND_BY_NAME[name];
}

export function toMessageDto(message: messaging.Message): MessageDto {
  return {
    id: message.id,
    conversationId: message.conversationId,
    seq: message.seq,
    senderId: message.senderId,
    clientMessageId: message.clientMessageId,
    kind: message.kind === messaging.MessageKind.MESSAGE_KIND_EMOJI ? 'emoji' : 'text',
    text: orNull(message.text),
    emoji: orNull(message.emoji),
    createdAt: message.createdAt,
    streamPos: message.streamPos,
  };
}

export function toMessagePageDto(page: messaging.MessagePage): MessagePageDto {
  return { items: page.items.map(toMessageDto), nextCursor: nextCursorOf(page.nextCursor) };
}

export function toReadStateDto(state: messaging.ReadState): ReadStateDto {
  return {
    conversationId: state.conversationId,
    readSeq: state.readSeq,
    unreadCount: state.unreadCount,
  };
}
