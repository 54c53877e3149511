import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

import { PageQueryDto } from '../http/paging.dto';

const ACTION_PREFIX = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;
/** RFC 3339: a date, a time and a zone. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/i;

export class MyAuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    maxLength: 100,
    example: 'two_factor',
    description:
      'Dotted words: `two_factor` matches `two_factor.enrolled` and `two_factor.disabled`, not `two_factorx`.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(ACTION_PREFIX, { message: 'action must be dotted lower-case words' })
  action?: string;
}

export class OrgAuditQueryDto extends MyAuditQueryDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Only lines this person did or that concern them.',
  })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Lines that happened at or after.' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(DATE_TIME, { message: 'must be an RFC 3339 date-time with a zone' })
  since?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Lines that happened before.' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(DATE_TIME, { message: 'must be an RFC 3339 date-time with a zone' })
  until?: string;
}

export class AuditEntryDto {
  @ApiProperty({ description: 'The id of the event that recorded the line.' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  orgId!: string;

  @ApiProperty({ description: 'Who acted: a user id, or `system`.' })
  actorId!: string;

  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Whose account the line concerns; null when it concerns no one account.',
  })
  subjectUserId!: string | null;

  @ApiProperty({ example: 'two_factor.enrolled' })
  action!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Non-secret facts about the change; never passwords, tokens or codes.',
  })
  details!: Record<string, unknown>;

  @ApiProperty({ nullable: true, type: String, example: '198.51.100.7' })
  clientIp!: string | null;

  @ApiProperty({ format: 'date-time' })
  occurredAt!: string;

  @ApiProperty({ format: 'date-time' })
  recordedAt!: string;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEntryDto] })
  items!: AuditEntryDto[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}
