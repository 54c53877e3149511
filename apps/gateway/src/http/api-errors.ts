import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

export class ErrorBodyDto {
  @ApiProperty({ example: 'conversation.not_found', description: 'Stable dotted error code.' })
  code!: string;

  @ApiProperty({ description: 'For people; never parse it.' })
  message!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  details?: Record<string, unknown>;

  @ApiProperty({
    description: 'Quote it when reporting a problem; it names the request in our logs.',
  })
  correlationId!: string;
}

export class ErrorResponseDto {
  @ApiProperty({ type: ErrorBodyDto })
  error!: ErrorBodyDto;
}

// auth.unknown_user: a Keycloak token whose address names no active directory user.
const TOKEN_ERRORS = [
  'auth.token_missing',
  'auth.token_invalid',
  'auth.token_expired',
  'auth.unknown_user',
  'auth.session_ended',
];
const REQUEST_ERRORS = ['request.invalid', 'request.malformed'];

/** What a list endpoint adds: a nextCursor that was altered or belongs to another list. */
export const CURSOR_ERRORS = { 400: ['request.cursor_invalid'] };

type ErrorCodes = Partial<Record<number, string[]>>;

/**
 * Documents an endpoint's error responses with their codes: the codes given,
 * plus what every endpoint can answer (invalid request, a body that is not
 * JSON, a dependency down, and for protected endpoints the token errors).
 */
export function ApiErrors(codes: ErrorCodes = {}, options: { isPublic?: boolean } = {}) {
  const all: ErrorCodes = { ...codes };
  all[400] = [...REQUEST_ERRORS, ...(codes[400] ?? [])];
  if (!options.isPublic) {
    all[401] = [...TOKEN_ERRORS, ...(codes[401] ?? [])];
  }
  // Every request carrying a body is held to it, whatever the endpoint.
  all[415] = ['request.unsupported_media_type (the body is not application/json)'];
  all[503] = ['service.unavailable (with Retry-After)', ...(codes[503] ?? [])];
  const responses = Object.entries(all).map(([status, list]) =>
    ApiResponse({
      status: Number(status),
      description: `Error codes: ${(list ?? []).join(', ')}`,
      type: ErrorResponseDto,
    }),
  );

  return applyDecorators(...responses, ...(options.isPublic ? [] : [ApiBearerAuth()]));
}
