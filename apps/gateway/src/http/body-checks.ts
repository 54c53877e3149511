import type { NextFunction, Request, Response } from 'express';

import { RequestError } from '@confer/errors';

import { findJsonProblem, jsonProblemError } from './json-checks';

/** JSON bodies the parser reads: SCIM clients send application/scim+json (RFC 7644 section 3.1). */
export const JSON_MEDIA_TYPES = ['application/json', 'application/scim+json'];

/**
 * Before the body parser: the API reads JSON only, so a request that carries
 * a body of any other type (a form, text, nothing named) is refused with 415
 * request.unsupported_media_type before anything reads it. Requests without
 * a body pass whatever they name.
 */
export function requireJsonBody(request: Request, _response: Response, next: NextFunction): void {
  const contentType = request.headers['content-type'];
  if (hasBody(request) && !JSON_MEDIA_TYPES.includes(mediaTypeOf(contentType))) {
    next(RequestError.unsupportedMediaType(mediaTypeOf(contentType) || '(none)'));

    return;
  }
  next();
}

/**
 * After the body parser: the parsed body is walked once, without recursion,
 * and refused (400 request.invalid) when it nests too deep for the validators
 * or holds a string PostgreSQL cannot store exactly.
 */
export function refuseUnusableJson(
  request: Request,
  _response: Response,
  next: NextFunction,
): void {
  const problem = request.body === undefined ? null : findJsonProblem(request.body);
  next(problem ? jsonProblemError(problem) : undefined);
}

/**
 * Body-parser failures reach Nest as bare errors; name them here, by the
 * parser's own error type, so the error filter answers with our code and
 * words instead of the parser's text.
 */
export function nameParserErrors(
  error: { type?: string },
  _request: Request,
  _response: Response,
  next: NextFunction,
): void {
  switch (error?.type) {
    case 'entity.parse.failed':
      next(RequestError.malformed('The request body is not valid JSON.'));
      break;
    // A JSON body in a charset or content encoding the parser cannot read.
    case 'charset.unsupported':
    case 'encoding.unsupported':
      next(RequestError.unsupportedMediaType('application/json'));
      break;
    default:
      next(error);
  }
}

function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];

  return request.headers['transfer-encoding'] !== undefined || (!!length && length !== '0');
}

/** `Application/JSON; charset=utf-8` → `application/json`. */
function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}
