import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsUUID,
  ValidateNested,
} from 'class-validator';

export const GROUP_CREATION_POLICIES = ['everyone', 'administrators', 'departments'] as const;
export type GroupCreationPolicyName = (typeof GROUP_CREATION_POLICIES)[number];

export class GroupCreationDto {
  @ApiProperty({
    enum: GROUP_CREATION_POLICIES,
    description:
      'Who may create group chats and discussions. Administrators always may; `departments`: ' +
      'members of the listed departments or any department below them.',
  })
  @IsIn(GROUP_CREATION_POLICIES)
  policy!: GroupCreationPolicyName;

  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'Read with the `departments` policy only (1 to 200 ids); empty otherwise.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true })
  departmentIds: string[] = [];
}

export class OrgSettingsDto {
  @ApiProperty({ format: 'uuid' })
  orgId!: string;

  @ApiProperty({ type: GroupCreationDto })
  groupCreation!: GroupCreationDto;

  @ApiProperty({ description: 'Every member must sign in with a second factor.' })
  twoFactorRequired!: boolean;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'When an administrator last changed anything; null while all are defaults.',
  })
  updatedAt!: string | null;
}

/** Only the keys present change. */
export class UpdateOrgSettingsDto {
  @ApiPropertyOptional({ type: GroupCreationDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => GroupCreationDto)
  groupCreation?: GroupCreationDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  twoFactorRequired?: boolean;
}
