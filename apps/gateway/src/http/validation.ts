import { ParseUUIDPipe, ValidationError, ValidationPipe } from '@nestjs/common';

import { RequestError } from '@confer/errors';

/**
 * The global pipe: DTO classes decide what a request may carry; unknown
 * fields, missing fields and wrong types all answer 400 request.invalid with
 * each bad field and what is wrong with it.
 */
export function requestValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => invalidRequest(errors),
  });
}

export function invalidRequest(errors: ValidationError[]): RequestError {
  return RequestError.invalid('The request has invalid fields.', { fields: fieldProblems(errors) });
}

/** `{ "members.0": ["must be a UUID"] }`: nested errors flattened to dotted paths. */
export function fieldProblems(errors: ValidationError[], parent = ''): Record<string, string[]> {
  const problems: Record<string, string[]> = {};
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints) {
      problems[path] = Object.values(error.constraints);
    }
    Object.assign(problems, fieldProblems(error.children ?? [], path));
  }

  return problems;
}

/** A path id that must be a UUID; anything else is 400 request.invalid naming the parameter. */
export function uuidParam(name: string): ParseUUIDPipe {
  return new ParseUUIDPipe({
    exceptionFactory: () =>
      RequestError.invalid('The request has invalid fields.', {
        fields: { [name]: ['must be a UUID'] },
      }),
  });
}
