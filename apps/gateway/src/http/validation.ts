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

/**
 * `{ "members.0": ["must be a UUID"] }`: nested errors flattened to dotted
 * paths, one message per field (the list shape stays for clients that read it).
 */
export function fieldProblems(errors: ValidationError[], parent = ''): Record<string, string[]> {
  const problems: Record<string, string[]> = {};
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints) {
      problems[path] = [firstProblem(error, error.constraints)];
    }
    Object.assign(problems, fieldProblems(error.children ?? [], path));
  }

  return problems;
}

/**
 * The one message a field gets: a missing field is said to be required
 * (not also too long and of the wrong type); otherwise the first check the
 * DTO declares, its type. class-validator lists a field's failed checks
 * from the last declared decorator to the first.
 */
function firstProblem(error: ValidationError, constraints: Record<string, string>): string {
  if (error.value === undefined || error.value === null) {
    return `${error.property} is required`;
  }
  const messages = Object.values(constraints);

  return messages[messages.length - 1];
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
