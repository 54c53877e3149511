import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class SsoExchangeDto {
  @ApiProperty({
    description: 'An access token of the configured Keycloak realm, issued to the Confer client.',
    maxLength: 16384,
    writeOnly: true,
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(16384)
  accessToken!: string;

  @ApiPropertyOptional({ maxLength: 100, example: 'Work laptop' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  deviceName?: string;

  @ApiPropertyOptional({
    maxLength: 200,
    description: 'The client app, shown in the session list; the User-Agent when absent.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  client?: string;
}
