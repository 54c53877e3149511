import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class PersonSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  orgId!: string;

  @ApiProperty()
  displayName!: string;

  @ApiProperty()
  email!: string;

  @ApiProperty({ enum: ['active', 'disabled'] })
  status!: string;

  @ApiProperty()
  title!: string;
}

export class ListedPersonDto {
  @ApiProperty({ type: PersonSummaryDto })
  person!: PersonSummaryDto;

  @ApiProperty({ description: 'When the person was followed or blocked (RFC 3339).' })
  since!: string;
}

export class ListedPersonPageDto {
  @ApiProperty({ type: [ListedPersonDto], description: 'Newest first.' })
  items!: ListedPersonDto[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}

export class PersonalContactDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'Case-folded.' })
  email!: string;

  @ApiProperty({ description: 'The name the owner gave; may be empty.' })
  displayName!: string;

  @ApiProperty()
  note!: string;

  @ApiProperty({
    type: PersonSummaryDto,
    nullable: true,
    description:
      "The person of the owner's organisation with this address, looked up at every read: an " +
      'outside address that later joins the directory shows that person from then on.',
  })
  person!: PersonSummaryDto | null;

  @ApiProperty()
  createdAt!: string;

  @ApiProperty()
  updatedAt!: string;
}

export class PersonalContactPageDto {
  @ApiProperty({ type: [PersonalContactDto], description: 'By address.' })
  items!: PersonalContactDto[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}

export class AddPersonalContactDto {
  @ApiProperty({
    example: 'li.na@partner.example',
    description: 'Inside or outside the organisation.',
  })
  @IsString()
  @MaxLength(320)
  email!: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  displayName?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

/** Only the fields present change. */
export class UpdatePersonalContactDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  displayName?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}
