import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { Caller } from '@confer/grpc';
import { messaging } from '@confer/proto';

import { CurrentCaller } from '../auth/current-caller.decorator';
import { MESSAGING, MessagingClient } from '../clients/service-clients';
import { toConversationDto } from '../conversations/conversation.mapper';
import { ApiErrors, CURSOR_ERRORS } from '../http/api-errors';
import { nextCursorOf, pageRequest } from '../http/paging.dto';
import { uuidParam } from '../http/validation';
import { toMessageDto } from '../messages/message.mapper';
import {
  RecentSessionDto,
  RecentSessionPageDto,
  RecentSessionsQueryDto,
  RecentViewName,
} from './recent-sessions.dto';

const VIEWS: Record<RecentViewName, messaging.RecentView> = {
  folded: messaging.RecentView.RECENT_VIEW_FOLDED,
  flat: messaging.RecentView.RECENT_VIEW_FLAT,
  private: messaging.RecentView.RECENT_VIEW_PRIVATE_FOLDER,
  group: messaging.RecentView.RECENT_VIEW_GROUP_FOLDER,
};

const SESSION_ERRORS = { 404: ['conversation.not_found'] };

@ApiTags('recent-sessions')
@Controller('recent-sessions')
export class RecentSessionsHttpController {
  constructor(@Inject(MESSAGING) private readonly messaging: MessagingClient) {}

  @Get()
  @ApiOkResponse({ type: RecentSessionPageDto })
  @ApiErrors(CURSOR_ERRORS)
  async list(
    @CurrentCaller() caller: Caller,
    @Query() query: RecentSessionsQueryDto,
  ): Promise<RecentSessionPageDto> {
    const page = await this.messaging.listRecentSessions(caller, {
      view: VIEWS[query.view ?? 'folded'],
      ...pageRequest(query),
    });

    return { items: page.items.map(toRecentSessionDto), nextCursor: nextCursorOf(page.nextCursor) };
  }

  @Post(':conversationId/pin')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The session stays at the top of the list.' })
  @ApiErrors(SESSION_ERRORS)
  async pin(
    @CurrentCaller() caller: Caller,
    @Param('conversationId', uuidParam('conversationId')) conversationId: string,
  ): Promise<void> {
    await this.messaging.pinSession(caller, { conversationId });
  }

  @Post(':conversationId/unpin')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The session is ordered by activity again.' })
  @ApiErrors(SESSION_ERRORS)
  async unpin(
    @CurrentCaller() caller: Caller,
    @Param('conversationId', uuidParam('conversationId')) conversationId: string,
  ): Promise<void> {
    await this.messaging.unpinSession(caller, { conversationId });
  }

  @Post(':conversationId/hide')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Gone from the list until its next message.' })
  @ApiErrors(SESSION_ERRORS)
  async hide(
    @CurrentCaller() caller: Caller,
    @Param('conversationId', uuidParam('conversationId')) conversationId: string,
  ): Promise<void> {
    await this.messaging.hideSession(caller, { conversationId });
  }
}

function toRecentSessionDto(session: messaging.RecentSession): RecentSessionDto {
  return {
    conversation: session.conversation ? toConversationDto(session.conversation) : null,
    folder: session.folder
      ? {
          kind:
            session.folder.kind === messaging.ConversationKind.CONVERSATION_KIND_PRIVATE
              ? 'private'
              : 'group',
          conversationCount: session.folder.conversationCount,
        }
      : null,
    lastMessage: session.lastMessage ? toMessageDto(session.lastMessage) : null,
    unreadStyle: session.unreadStyle === messaging.UnreadStyle.UNREAD_STYLE_DOT ? 'dot' : 'count',
    unreadCount: session.unreadCount,
    hasUnread: session.hasUnread,
    pinned: session.pinned,
    muted: session.muted,
    lastActivityAt: session.lastActivityAt,
  };
}
