import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 200;

/**
 * A sequence number or stream position (seq, since): a whole number from 0 to
 * Number.MAX_SAFE_INTEGER. `1e23` is an integer to JavaScript but not to
 * PostgreSQL's bigint, and anything past 2^53 has lost precision already.
 */
export function IsPosition(): PropertyDecorator {
  return applyDecorators(IsInt(), Min(0), Max(Number.MAX_SAFE_INTEGER));
}

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

/** A page request as the services take it: defaults filled in. */
export function pageRequest(query: PageQueryDto): { limit: number; cursor: string } {
  return { limit: query.limit ?? DEFAULT_PAGE_LIMIT, cursor: query.cursor ?? '' };
}

/** Services answer an empty string for "no more pages"; the API answers null. */
export function nextCursorOf(cursor: string | undefined): string | null {
  return cursor ? cursor : null;
}
