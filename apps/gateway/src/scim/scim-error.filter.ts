import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';

import { ConferError, isConferError, RequestError } from '@confer/errors';

export const SCIM_MEDIA_TYPE = 'application/scim+json';
export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** The error body of RFC 7644 section 3.12; status is a string there. */
export interface ScimErrorBody {
  schemas: string[];
  status: string;
  scimType?: string;
  detail: string;
}

/**
 * Answers every failure under /scim/v2 in SCIM's own error format. Contacts'
 * SCIM errors carry the status and scimType to use (details.scimStatus and
 * details.scimType); platform errors keep their HTTP status; anything else is
 * logged with its stack and answered 500 with the correlation id.
 */
@Catch()
export class ScimErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(ScimErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendScimError(
      http.getRequest<Request & { id?: unknown }>(),
      http.getResponse<Response>(),
      exception,
      this.logger,
    );
  }
}

export function sendScimError(
  request: Request & { id?: unknown },
  response: Response,
  exception: unknown,
  logger: Logger,
): void {
  const correlationId = typeof request.id === 'string' ? request.id : undefined;
  const { status, body } = scimErrorOf(exception, request, correlationId);
  if (status >= 500 && !(isConferError(exception) && exception.kind === 'unavailable')) {
    logger.error(
      { err: exception, correlationId, path: request.path },
      'unhandled error while serving scim request',
    );
  }
  const retryAfter = isConferError(exception) ? exception.details?.retryAfterSeconds : undefined;
  if (typeof retryAfter === 'number') {
    response.setHeader('Retry-After', String(Math.ceil(retryAfter)));
  }
  response.status(status).type(SCIM_MEDIA_TYPE).send(JSON.stringify(body));
}

export function scimErrorOf(
  exception: unknown,
  request: Pick<Request, 'method' | 'path'>,
  correlationId?: string,
): { status: number; body: ScimErrorBody } {
  const error = toConferError(exception, request, correlationId);
  const scimStatus = error.details?.scimStatus;
  const status = typeof scimStatus === 'number' ? scimStatus : error.httpStatus;
  const scimType = error.details?.scimType ?? defaultScimType(error);

  return {
    status,
    body: {
      schemas: [SCIM_ERROR_SCHEMA],
      status: String(status),
      ...(typeof scimType === 'string' ? { scimType } : {}),
      detail: error.message,
    },
  };
}

/** Platform request errors have a SCIM name too: a body that is not JSON is invalidSyntax. */
function defaultScimType(error: ConferError): string | undefined {
  switch (error.code) {
    case 'request.malformed':
    case 'request.invalid':
      return 'invalidSyntax';
    default:
      return undefined;
  }
}

function toConferError(
  exception: unknown,
  request: Pick<Request, 'method' | 'path'>,
  correlationId?: string,
): ConferError {
  if (isConferError(exception)) {
    return exception;
  }
  // The body parser's own error for an oversized body, named by its type (as HttpErrorFilter does).
  if ((exception as { type?: unknown } | undefined)?.type === 'entity.too.large') {
    return RequestError.tooLarge('The request body is too large.');
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status === 404) {
      return RequestError.routeNotFound(request.method, request.path);
    }
    if (status === 405) {
      return new ConferError(
        'malformed',
        'request.malformed',
        'The method is not supported here.',
        {
          scimStatus: 405,
        },
      );
    }
  }

  return new ConferError(
    'internal',
    'internal',
    `Something went wrong on our side; quote ${correlationId ?? 'the time of the request'} when reporting it.`,
  );
}
