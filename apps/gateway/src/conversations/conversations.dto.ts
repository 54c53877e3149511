import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsNotEmpty,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';

export const CONVERSATION_KINDS = ['private', 'group', 'discussion', 'broadcast'] as const;
export const MEMBER_ROLES = ['owner', 'manager', 'member'] as const;

export type ConversationKindName = (typeof CONVERSATION_KINDS)[number];
export type MemberRoleName = (typeof MEMBER_ROLES)[number];

/** Members added in one request; larger teams are added in several. */
const MAX_MEMBERS_PER_REQUEST = 500;

export class CreateConversationDto {
  @ApiProperty({ maxLength: 200, example: 'Release crew' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title!: string;

  @ApiProperty({ type: [String], format: 'uuid', description: 'Members besides the caller.' })
  @IsArray()
  @ArrayMaxSize(MAX_MEMBERS_PER_REQUEST)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  memberIds!: string[];
}

export class OpenPrivateConversationDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  peerId!: string;
}

export class AddMembersDto {
  @ApiProperty({ type: [String], format: 'uuid' })
  @IsArray()
  @ArrayMaxSize(MAX_MEMBERS_PER_REQUEST)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  userIds!: string[];
}

export class TransferOwnershipDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  newOwnerId!: string;
}

export class ConversationDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  orgId!: string;

  @ApiProperty({ enum: CONVERSATION_KINDS })
  kind!: ConversationKindName;

  @ApiProperty({ description: 'Group name or discussion topic; empty for private chats.' })
  title!: string;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  ownerId!: string | null;

  @ApiProperty({ description: 'Sequence number of the newest message (0: none yet).' })
  lastSeq!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  lastMessageAt!: string | null;

  @ApiProperty()
  memberCount!: number;

  @ApiProperty({ description: "The caller's read cursor." })
  readSeq!: number;

  @ApiProperty({ enum: MEMBER_ROLES, description: "The caller's role." })
  role!: MemberRoleName;
}

export class MemberDto {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ enum: MEMBER_ROLES })
  role!: MemberRoleName;

  @ApiProperty()
  readSeq!: number;

  @ApiProperty({ format: 'date-time' })
  joinedAt!: string;
}

export class MemberPageDto {
  @ApiProperty({ type: [MemberDto] })
  items!: MemberDto[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}
