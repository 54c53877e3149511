import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const TLS_MODES = ['implicit', 'starttls', 'none'] as const;

export class PutMailDomainDto {
  @ApiProperty({ example: 'imap.example.com', maxLength: 253 })
  @IsString()
  @MaxLength(253)
  host!: string;

  @ApiProperty({ example: 993, minimum: 1, maximum: 65535 })
  @IsInt()
  @Min(1)
  @Max(65535)
  port!: number;

  @ApiProperty({
    enum: TLS_MODES,
    description:
      'implicit: TLS from the first byte (IMAPS, usually 993); starttls: upgraded before ' +
      'login, refused if the server does not offer it (usually 143); none: no encryption.',
  })
  @IsIn(TLS_MODES)
  tls!: (typeof TLS_MODES)[number];

  @ApiPropertyOptional({
    default: true,
    description: 'false only for a server with a self-signed certificate: it is then not verified.',
  })
  @IsOptional()
  @IsBoolean()
  rejectUnauthorized?: boolean;
}

export class MailDomainDto {
  @ApiProperty({ example: 'example.com' })
  domain!: string;

  @ApiProperty()
  host!: string;

  @ApiProperty()
  port!: number;

  @ApiProperty({ enum: TLS_MODES })
  tls!: string;

  @ApiProperty()
  rejectUnauthorized!: boolean;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  @ApiProperty({ format: 'uuid', description: 'The administrator who set it last.' })
  updatedBy!: string;
}

export class MailDomainListDto {
  @ApiProperty({ type: [MailDomainDto] })
  items!: MailDomainDto[];
}
