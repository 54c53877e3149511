import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

import { ConversationDto } from '../conversations/conversations.dto';
import { PageQueryDto } from '../http/paging.dto';
import { MessageDto } from '../messages/messages.dto';

export const RECENT_VIEWS = ['folded', 'flat', 'private', 'group'] as const;
export type RecentViewName = (typeof RECENT_VIEWS)[number];

export class RecentSessionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: RECENT_VIEWS,
    default: 'folded',
    description:
      'folded: private and group chats folded into one folder entry each; flat: every ' +
      'conversation; private / group: the inside of one folder.',
  })
  @IsOptional()
  @IsIn(RECENT_VIEWS)
  view?: RecentViewName;
}

export class RecentFolderDto {
  @ApiProperty({ enum: ['private', 'group'] })
  kind!: 'private' | 'group';

  @ApiProperty()
  conversationCount!: number;
}

export class RecentSessionDto {
  @ApiProperty({ type: ConversationDto, nullable: true, description: 'Null for a folder entry.' })
  conversation!: ConversationDto | null;

  @ApiProperty({ type: RecentFolderDto, nullable: true, description: 'Set for a folder entry.' })
  folder!: RecentFolderDto | null;

  @ApiProperty({ type: MessageDto, nullable: true })
  lastMessage!: MessageDto | null;

  @ApiProperty({ enum: ['count', 'dot'] })
  unreadStyle!: 'count' | 'dot';

  @ApiProperty()
  unreadCount!: number;

  @ApiProperty()
  hasUnread!: boolean;

  @ApiProperty()
  pinned!: boolean;

  @ApiProperty()
  muted!: boolean;

  @ApiProperty({ format: 'date-time' })
  lastActivityAt!: string;
}

export class RecentSessionPageDto {
  @ApiProperty({ type: [RecentSessionDto] })
  items!: RecentSessionDto[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}
