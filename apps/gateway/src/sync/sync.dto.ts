import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

import { DEFAULT_PAGE_LIMIT, IsPosition, MAX_PAGE_LIMIT } from '../http/paging.dto';

export class SyncQueryDto {
  @ApiPropertyOptional({
    description:
      "The last position the device has seen (the previous page's position); 0 from the start.",
    default: 0,
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
  })
  @IsOptional()
  @Type(() => Number)
  @IsPosition()
  since?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_LIMIT)
  limit?: number;
}

export class ChangeDto {
  @ApiProperty({ example: 'message.created' })
  type!: string;

  @ApiProperty({ description: "Position in the user's change stream (the WebSocket frame's seq)." })
  seq!: number;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  conversationId!: string | null;

  @ApiProperty({ description: 'The same object the WebSocket frame carries.', nullable: true })
  data!: unknown;
}

export class SyncPageDto {
  @ApiProperty({ type: [ChangeDto] })
  items!: ChangeDto[];

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The position as a string while more changes wait; null when caught up.',
  })
  nextCursor!: string | null;

  @ApiProperty({ description: 'Pass as `since` next (or as the WebSocket resume point).' })
  position!: number;
}
