import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';

import { ConferError } from './confer-error';
import { RequestError } from './request-errors';

export interface HttpErrorBody {
  error: {
    code: string;
    message: string;
    details?: Record<string, unknown>;
    correlationId?: string;
  };
}

/** Body-parser failures carry a `type` we can map without reading their text. */
interface ParserError {
  status?: number;
  type?: string;
}

/**
 * The one place HTTP errors are shaped: a ConferError keeps its code and
 * status; framework exceptions are mapped to request.* codes; anything else is
 * logged with its stack and answered as a generic internal error.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request & { id?: string }>();
    const response = http.getResponse<Response>();
    const error = this.toConferError(exception, request);
    const correlationId = typeof request.id === 'string' ? request.id : undefined;

    if (error.kind === 'internal') {
      this.logger.error(
        { err: exception, correlationId, path: request.path },
        'unhandled error while serving request',
      );
    }
    const retryAfter = error.details?.retryAfterSeconds;
    if (typeof retryAfter === 'number') {
      response.setHeader('Retry-After', String(Math.ceil(retryAfter)));
    }
    const body: HttpErrorBody = {
      error: {
        code: error.code,
        message: error.message,
        ...(error.details ? { details: error.details } : {}),
        ...(correlationId ? { correlationId } : {}),
      },
    };
    response.status(error.httpStatus).json(body);
  }

  private toConferError(exception: unknown, request: Request): ConferError {
    if (exception instanceof ConferError) {
      return exception;
    }
    const parser = exception as ParserError;
    if (parser?.type === 'entity.parse.failed') {
      return RequestError.malformed('The request body is not valid JSON.');
    }
    if (parser?.type === 'entity.too.large') {
      return RequestError.tooLarge('The request body is too large.');
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404) {
        return RequestError.routeNotFound(request.method, request.path);
      }
      if (status === 413) {
        return RequestError.tooLarge('The request body is too large.');
      }
      if (status >= 400 && status < 500) {
        return RequestError.malformed(exception.message);
      }
    }

    return new ConferError(
      'internal',
      'internal',
      'Something went wrong on our side; the correlation id identifies it in our logs.',
      undefined,
      { cause: exception },
    );
  }
}
