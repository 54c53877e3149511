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

export class CreateDiscussionDto {
  @ApiProperty({ maxLength: 200, example: 'Q3 launch checklist' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  topic!: string;

  @ApiProperty({ type: [String], format: 'uuid', description: 'Members besides the caller.' })
  @IsArray()
  @ArrayMaxSize(500)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  memberIds!: string[];
}

export class AddDiscussionMembersDto {
  @ApiProperty({ type: [String], format: 'uuid' })
  @IsArray()
  @ArrayMaxSize(500)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  userIds!: string[];
}

export class DiscussionDto {
  @ApiProperty({ format: 'uuid', description: "Also the id of the discussion's conversation." })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  orgId!: string;

  @ApiProperty()
  topic!: string;

  @ApiProperty({ format: 'uuid' })
  creatorId!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty()
  memberCount!: number;
}
