import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const DEFAULT_SEARCH_LIMIT = 20;
export const MAX_SEARCH_LIMIT = 50;

export class SearchPeopleQueryDto {
  @ApiProperty({
    maxLength: 200,
    example: 'zhangw',
    description: 'A name in Chinese or Latin letters, its pinyin or initials, or an address.',
  })
  @IsString()
  @MaxLength(200)
  q!: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_SEARCH_LIMIT, default: DEFAULT_SEARCH_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_SEARCH_LIMIT)
  limit?: number;
}

export class DepartmentDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  orgId!: string;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  parentId!: string | null;

  @ApiProperty()
  name!: string;

  @ApiProperty({ description: '0 for a root.' })
  depth!: number;

  @ApiProperty({ description: 'Active people directly in this department.' })
  memberCount!: number;

  @ApiProperty({
    description: 'Active people in this department and every one below it, each counted once.',
  })
  totalMemberCount!: number;

  @ApiProperty()
  hasChildren!: boolean;
}

export class DepartmentListDto {
  @ApiProperty({ type: [DepartmentDto] })
  items!: DepartmentDto[];
}

export class DepartmentDetailDto {
  @ApiProperty({ type: DepartmentDto })
  department!: DepartmentDto;

  @ApiProperty({ type: [DepartmentDto], description: 'By name.' })
  children!: DepartmentDto[];

  @ApiProperty({ type: [DepartmentDto], description: 'Root first, ending with the parent.' })
  ancestors!: DepartmentDto[];
}

export class PersonDepartmentDto {
  @ApiProperty({ format: 'uuid' })
  departmentId!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ description: "The person's title in this department; may be empty." })
  title!: string;
}

export class PersonDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  orgId!: string;

  @ApiProperty({ format: 'email' })
  email!: string;

  @ApiProperty()
  displayName!: string;

  @ApiProperty({ description: 'May be empty.' })
  title!: string;

  @ApiProperty({ description: 'May be empty.' })
  deskPhone!: string;

  @ApiProperty({ description: 'May be empty.' })
  mobile!: string;

  @ApiProperty({ type: [PersonDepartmentDto] })
  departments!: PersonDepartmentDto[];
}

export class PersonListDto {
  @ApiProperty({ type: [PersonDto], description: 'Best match first.' })
  items!: PersonDto[];
}

export class PersonPageDto {
  @ApiProperty({ type: [PersonDto] })
  items!: PersonDto[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}
