import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBooleanString,
  IsEmail,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';

export class LoginDto {
  @ApiProperty({ format: 'email', maxLength: 254 })
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({
    description: 'The password or the mail app password.',
    maxLength: 256,
    writeOnly: true,
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  password!: string;

  @ApiPropertyOptional({ maxLength: 100, example: 'Work laptop' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  deviceName?: string;

  @ApiPropertyOptional({
    description: 'The credential a passed second factor with trustDevice returned: skips it.',
    maxLength: 128,
    writeOnly: true,
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  trustedDeviceToken?: string;

  @ApiPropertyOptional({
    description: 'The client app and version, shown in the session list; the User-Agent if absent.',
    maxLength: 200,
    example: 'Confer for Windows 3.2',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  client?: string;
}

export class RefreshDto {
  @ApiProperty({
    description: 'The refresh token of the last grant; usable once.',
    writeOnly: true,
  })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'refreshToken must be a refresh token' })
  refreshToken!: string;
}

/**
 * The one session grant: login, refresh, SSO and a passed second factor all
 * answer it, so a client keeps one code path for its tokens.
 */
export class TokenGrantDto {
  @ApiProperty({ description: 'Send as `Authorization: Bearer <accessToken>`.' })
  accessToken!: string;

  @ApiProperty({ example: 'Bearer' })
  tokenType!: string;

  @ApiProperty({ description: 'Seconds until the token expires.' })
  expiresIn!: number;

  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ format: 'uuid' })
  orgId!: string;

  @ApiProperty({
    description:
      'Exchange at POST /auth/refresh for a new grant before the access token expires. ' +
      'Single use: a second use ends the session.',
  })
  refreshToken!: string;

  @ApiProperty({ description: 'Seconds until the refresh token expires unused.' })
  refreshExpiresIn!: number;

  @ApiProperty({ format: 'uuid', description: 'The session this grant belongs to.' })
  sessionId!: string;

  @ApiProperty({
    enum: ['not_required', 'pending', 'enrolment_required', 'passed'],
    description:
      'pending: the session must pass its second factor (/auth/2fa/challenge/...); ' +
      'enrolment_required: the organisation requires it and the user must enrol first; ' +
      'passed: after a second factor.',
  })
  secondFactor!: string;

  @ApiPropertyOptional({
    description:
      'Only after a second factor passed with trustDevice: keep it and send it at login as ' +
      'trustedDeviceToken to skip the second factor on this device.',
  })
  trustedDeviceToken?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'With trustedDeviceToken: the trusted device, as GET /auth/2fa/trusted-devices lists it.',
  })
  trustedDeviceId?: string;
}

export class SessionDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  deviceName!: string;

  @ApiProperty({ description: 'Client name or user agent.' })
  client!: string;

  @ApiProperty({ description: 'Address of the last sign-in or refresh.' })
  ip!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', description: 'The last sign-in or refresh.' })
  lastSeenAt!: string;

  @ApiProperty({ description: 'The session of the token making this request.' })
  current!: boolean;
}

export class SessionListDto {
  @ApiProperty({ type: [SessionDto] })
  items!: SessionDto[];
}

export class EndSessionsQueryDto {
  @ApiPropertyOptional({
    description: 'true: end every session but the one making the request.',
    enum: ['true', 'false'],
  })
  @IsOptional()
  @IsBooleanString()
  keepCurrent?: string;
}

export class EndedSessionsDto {
  @ApiProperty({ description: 'How many sessions were ended.' })
  revoked!: number;
}
