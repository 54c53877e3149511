import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { Request } from 'express';

import { RequestError } from '@confer/errors';

export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** The Idempotency-Key header, when given: 1 to 128 printable characters without spaces. */
export const IdempotencyKey = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined => {
    const value = context.switchToHttp().getRequest<Request>().headers[IDEMPOTENCY_HEADER];
    if (value === undefined) {
      return undefined;
    }
    if (typeof value !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(value)) {
      throw RequestError.invalid('The request has invalid fields.', {
        fields: { 'Idempotency-Key': ['must be 1 to 128 printable characters'] },
      });
    }

    return value;
  },
);

export const ApiIdempotencyKey = () =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Retrying with the same key returns the first result with the same status.',
  });
