import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class CreateScimTokenDto {
  @ApiProperty({
    description: 'What the token is for, e.g. the identity provider that will use it.',
    maxLength: 100,
    example: 'Entra ID provisioning',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;
}

export class ScimTokenDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ format: 'uuid', description: 'The administrator who made it.' })
  createdBy!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When a SCIM request last used it, to the minute; absent when never used.',
  })
  lastUsedAt?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Absent while the token is valid.' })
  revokedAt?: string;
}

export class CreatedScimTokenDto {
  @ApiProperty({ type: ScimTokenDto })
  token!: ScimTokenDto;

  @ApiProperty({
    description:
      'The bearer secret for the identity provider. Shown this once: Confer keeps only its hash.',
  })
  secret!: string;
}

export class ScimTokenListDto {
  @ApiProperty({ type: [ScimTokenDto], description: 'Newest first, revoked ones included.' })
  items!: ScimTokenDto[];
}
