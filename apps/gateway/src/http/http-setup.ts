import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

import { HttpErrorFilter, RequestError } from '@confer/errors';
import { CORRELATION_HEADER, normaliseCorrelationId } from '@confer/logging';

import { GatewayConfig } from '../config';
import { requestValidationPipe } from './validation';

export const API_PREFIX = 'api/v1';
export const OPENAPI_JSON_PATH = `${API_PREFIX}/openapi.json`;
export const DOCS_PATH = 'api/docs';

/**
 * The public API's HTTP surface: base path, body limit, validation, the one
 * error filter, and the OpenAPI document built from the controllers.
 */
export function configureGatewayHttp(app: INestApplication, config: GatewayConfig): void {
  const express = app as NestExpressApplication;
  express.disable('x-powered-by');
  // The body parser runs before the logging middleware; a request it rejects
  // (malformed, too large) still needs the correlation id its error carries.
  // The request logger later reads the same id from the header.
  express.use((request: Request & { id?: string }, response: Response, next: NextFunction) => {
    const id = normaliseCorrelationId(request.headers[CORRELATION_HEADER]);
    request.headers[CORRELATION_HEADER] = id;
    request.id = id;
    response.setHeader(CORRELATION_HEADER, id);
    next();
  });
  // Registered before Nest's defaults, so this limit replaces the 100 KiB default.
  express.useBodyParser('json', { limit: config.http.bodyLimitBytes });
  // Body-parser failures reach Nest as bare SyntaxErrors; name them here, by
  // the parser's own error type, so the error filter answers with our code
  // and words instead of the parser's text.
  express.use((error: { type?: string }, _request: Request, _response: Response, next: NextFunction) => {
    next(
      error?.type === 'entity.parse.failed'
        ? RequestError.malformed('The request body is not valid JSON.')
        : error,
    );
  });
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready', 'metrics'] });
  app.useGlobalPipes(requestValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter());
  const document = openApiDocument(app, config);
  SwaggerModule.setup(DOCS_PATH, app, () => document, {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    yamlDocumentUrl: `${API_PREFIX}/openapi.yaml`,
  });
}

export function openApiDocument(app: INestApplication, config: GatewayConfig): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Confer API')
    .setDescription(
      'Topic-centred chat fused with mail, directory and drive. Errors are ' +
        '`{ "error": { code, message, details?, correlationId } }`; lists are ' +
        '`{ items, nextCursor }` paged by cursor. Live changes arrive on the ' +
        'WebSocket `/api/v1/live` (see the gateway README for its frames).',
    )
    .setVersion(config.platform.version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();

  return SwaggerModule.createDocument(app, builder, {
    operationIdFactory: (controllerKey, methodKey) =>
      `${controllerKey.replace(/HttpController$/, '')}_${methodKey}`,
  });
}
