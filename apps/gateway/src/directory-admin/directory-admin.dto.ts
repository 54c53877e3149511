import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

export const SYNC_MODES = ['full', 'incremental'] as const;

/** Contacts checks every field as a whole (DN and filter syntax, URL, certificate); here: shapes. */
export class LdapSettingsBodyDto {
  @ApiProperty({ example: 'ldaps://ldap.example.cn:636' })
  @IsString()
  @MaxLength(500)
  url!: string;

  @ApiProperty({
    example: 'cn=confer-sync,ou=services,dc=example,dc=cn',
    description: 'Empty: anonymous.',
  })
  @IsString()
  @MaxLength(1000)
  bindDn!: string;

  @ApiPropertyOptional({
    description:
      'Write-only: never answered. Leave out to keep the stored one, which is possible only ' +
      'while url, bindDn, startTls, tlsSkipVerify and tlsCaCertificate stay the same.',
    writeOnly: true,
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  bindPassword?: string;

  @ApiProperty({ example: 'ou=people,dc=example,dc=cn' })
  @IsString()
  @MaxLength(1000)
  peopleBaseDn!: string;

  @ApiPropertyOptional({ default: '(objectClass=inetOrgPerson)' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  peopleFilter?: string;

  @ApiProperty({
    example: 'ou=org,dc=example,dc=cn',
    description: 'Its sub-units are departments.',
  })
  @IsString()
  @MaxLength(1000)
  departmentsBaseDn!: string;

  @ApiPropertyOptional({ default: '(objectClass=organizationalUnit)' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  departmentsFilter?: string;

  @ApiPropertyOptional({ description: 'Department groups; empty: nobody is placed in one.' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  groupsBaseDn?: string;

  @ApiPropertyOptional({ default: '(objectClass=groupOfNames)' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  groupsFilter?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { deskPhone: 'homePhone' },
    description:
      'Overrides of the default mapping. Fields: email, displayName, commonName, surname, givenName, ' +
      'title, deskPhone, mobile, employeeNumber, status, departmentName, groupMember, groupDepartment.',
  })
  @IsOptional()
  @IsObject()
  attributeMap?: Record<string, string>;

  @ApiPropertyOptional({ type: [String], default: ['disabled'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  disabledValues?: string[];

  @ApiPropertyOptional({ description: 'A groupOfNames whose members become org_admin.' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  adminGroupDn?: string;

  @ApiPropertyOptional({ description: '0: on demand only; else 60 to 604800.', default: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(604_800)
  syncIntervalSeconds?: number;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  startTls?: boolean;

  @ApiPropertyOptional({ description: 'PEM certificates trusted besides the system ones.' })
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  tlsCaCertificate?: string;

  @ApiPropertyOptional({
    default: false,
    description: 'Accept any certificate: test servers only.',
  })
  @IsOptional()
  @IsBoolean()
  tlsSkipVerify?: boolean;

  @ApiPropertyOptional({ default: 500 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5000)
  pageSize?: number;

  @ApiPropertyOptional({ default: 30 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(600)
  timeoutSeconds?: number;
}

export class LdapSettingsDto {
  @ApiProperty() url!: string;
  @ApiProperty() bindDn!: string;
  @ApiProperty({ description: 'Whether a bind password is stored; it is never answered.' })
  bindPasswordSet!: boolean;
  @ApiProperty() peopleBaseDn!: string;
  @ApiProperty() peopleFilter!: string;
  @ApiProperty() departmentsBaseDn!: string;
  @ApiProperty() departmentsFilter!: string;
  @ApiProperty() groupsBaseDn!: string;
  @ApiProperty() groupsFilter!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  attributeMap!: Record<string, string>;
  @ApiProperty({ type: [String] }) disabledValues!: string[];
  @ApiProperty() adminGroupDn!: string;
  @ApiProperty() syncIntervalSeconds!: number;
  @ApiProperty() startTls!: boolean;
  @ApiProperty() tlsCaCertificate!: string;
  @ApiProperty() tlsSkipVerify!: boolean;
  @ApiProperty() pageSize!: number;
  @ApiProperty() timeoutSeconds!: number;
  @ApiProperty({ enum: ['organisation', 'environment'] }) source!: string;
  @ApiProperty({ nullable: true, type: String }) updatedAt!: string | null;
}

export class StartSyncDto {
  @ApiProperty({
    enum: SYNC_MODES,
    description: 'incremental: entries changed since the last run.',
  })
  @IsIn(SYNC_MODES)
  mode!: (typeof SYNC_MODES)[number];
}

export class ListSyncRunsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class SyncFailureDto {
  @ApiProperty() sourceId!: string;
  @ApiProperty() dn!: string;
  @ApiProperty({
    enum: [
      'missing_mail',
      'duplicate_mail',
      'mail_outside_domain',
      'bad_value',
      'cycle',
      'unknown_department',
    ],
  })
  reason!: string;
  @ApiProperty() detail!: string;
}

export class SyncReportDto {
  @ApiProperty() created!: number;
  @ApiProperty() updated!: number;
  @ApiProperty() moved!: number;
  @ApiProperty() disabled!: number;
  @ApiProperty() departmentsCreated!: number;
  @ApiProperty() departmentsUpdated!: number;
  @ApiProperty() departmentsRemoved!: number;
  @ApiProperty({ description: 'Entries not applied, with reasons (at most 1,000).' })
  failed!: number;
  @ApiProperty({ type: [SyncFailureDto] }) failures!: SyncFailureDto[];
}

export class SyncProgressDto {
  @ApiProperty() processed!: number;
  @ApiProperty({ description: '0 until the directory has been read.' }) total!: number;
}

export class SyncRunDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: SYNC_MODES }) mode!: string;
  @ApiProperty({ enum: ['running', 'succeeded', 'failed'] }) status!: string;
  @ApiProperty() startedAt!: string;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;
  @ApiProperty({ type: SyncProgressDto }) progress!: SyncProgressDto;
  @ApiProperty({ type: SyncReportDto }) report!: SyncReportDto;
  @ApiProperty({
    nullable: true,
    type: Object,
    description:
      'Why a failed run failed: { code, message } (ldap.unavailable, ldap.bind_failed ...).',
  })
  error!: { code: string; message: string } | null;
}

export class SyncRunListDto {
  @ApiProperty({ type: [SyncRunDto], description: 'Newest first.' })
  items!: SyncRunDto[];
}
