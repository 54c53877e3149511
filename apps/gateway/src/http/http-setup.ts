import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

import { HttpErrorFilter } from '@confer/errors';
import { CORRELATION_HEADER, normaliseCorrelationId } from '@confer/logging';

import { GatewayConfig } from '../config';
import { scimBodyErrors } from '../scim/scim-body-errors';
import { SCIM_PATH } from '../scim/scim-request';
import {
  JSON_MEDIA_TYPES,
  nameParserErrors,
  refuseUnusableJson,
  requireJsonBody,
} from './body-checks';
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
  // The only body parser: Nest's own (JSON and forms) are turned off where the
  // app is created, so a form body is never read; see requireJsonBody.
  express.use(requireJsonBody);
  express.useBodyParser('json', { limit: config.http.bodyLimitBytes, type: JSON_MEDIA_TYPES });
  express.use(nameParserErrors);
  express.use(refuseUnusableJson);
  // SCIM clients expect SCIM's error body even for a body rejected before any route runs.
  express.use(`/${SCIM_PATH}`, scimBodyErrors);
  app.setGlobalPrefix(API_PREFIX, {
    exclude: ['health/live', 'health/ready', 'metrics', `${SCIM_PATH}/{*path}`],
  });
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
