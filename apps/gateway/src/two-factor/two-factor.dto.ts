import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class TwoFactorStatusDto {
  @ApiProperty()
  enabled!: boolean;

  @ApiProperty({ description: 'An enrolment is started and not yet confirmed.' })
  enrolmentPending!: boolean;

  @ApiProperty({ description: 'The bound app, empty when two-factor sign-in is off.' })
  boundDeviceName!: string;

  @ApiPropertyOptional({ format: 'date-time', nullable: true })
  enrolledAt!: string | null;

  @ApiProperty({ description: 'The organisation requires it: it cannot be disabled.' })
  requiredByOrganisation!: boolean;
}

export class EnrolmentDto {
  @ApiProperty({ format: 'uuid' })
  enrolmentId!: string;

  @ApiProperty({
    example:
      'otpauth://totp/Confer:alice%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Confer&algorithm=SHA1&digits=6&period=30&binding=...',
  })
  otpauthUri!: string;

  @ApiProperty({ description: 'The URI as a QR code: a PNG data URL.' })
  qrPng!: string;

  @ApiProperty({ description: 'The URI as a QR code: an SVG document.' })
  qrSvg!: string;

  @ApiProperty({ description: 'One-time; the app presents it to bind itself.' })
  bindingToken!: string;

  @ApiProperty({ format: 'date-time', description: 'When the binding token stops working.' })
  expiresAt!: string;
}

const SIX_DIGITS = /^\d{6}$/;

export class CodeDto {
  @ApiProperty({ example: '492039', description: 'The 6-digit code the Confer app shows.' })
  @IsString()
  @Matches(SIX_DIGITS, { message: 'code must be 6 digits' })
  code!: string;
}

export class ChallengeCodeDto extends CodeDto {
  @ApiPropertyOptional({ description: 'Trust this computer: later logins skip the second factor.' })
  @IsOptional()
  @IsBoolean()
  trustDevice?: boolean;

  @ApiPropertyOptional({ maxLength: 100, example: 'Work laptop' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  deviceName?: string;
}

export class PushChallengeDto {
  @ApiPropertyOptional({ maxLength: 100, description: 'Shown on the phone with the request.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  deviceName?: string;
}

export class BindingDto {
  @ApiProperty({ description: 'The `binding` parameter of the scanned otpauth URI.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  bindingToken!: string;

  @ApiPropertyOptional({ maxLength: 100, example: 'Alice’s phone' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  deviceName?: string;
}

export class BoundAppDto {
  @ApiProperty()
  deviceName!: string;

  @ApiProperty({ format: 'date-time' })
  boundAt!: string;
}

export class AnswerApprovalDto {
  @ApiProperty({ description: 'true grants, false refuses.' })
  @IsBoolean()
  approve!: boolean;
}

export class ApprovalDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ['sign_in', 'disable'] })
  purpose!: string;

  @ApiProperty({ enum: ['pending', 'approved', 'denied', 'expired', 'used'] })
  status!: string;

  @ApiProperty({ description: 'The requesting device, as shown on the phone.' })
  deviceName!: string;

  @ApiProperty()
  clientIp!: string;

  @ApiProperty({ format: 'date-time' })
  requestedAt!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}

export class TrustedDeviceDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ format: 'date-time' })
  firstUsedAt!: string;

  @ApiProperty({ format: 'date-time' })
  lastUsedAt!: string;

  @ApiProperty()
  lastIp!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}

export class TrustedDeviceListDto {
  @ApiProperty({ type: [TrustedDeviceDto] })
  items!: TrustedDeviceDto[];
}

export class RevokedDevicesDto {
  @ApiProperty()
  revoked!: number;
}
