import {
  DynamicModule,
  Global,
  MiddlewareConsumer,
  Module,
  NestModule,
  RequestMethod,
} from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { LoggerModule } from 'nestjs-pino';

import {
  CORRELATION_HEADER,
  currentCorrelationId,
  normaliseCorrelationId,
  runWithCorrelation,
} from './correlation';

export interface LoggingOptions {
  service: string;
  level: string;
}

/** Paths polled by orchestrators and scrapers: not worth a log line each. */
const QUIET_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

function correlationMiddleware(req: Request & { id?: unknown }, res: Response, next: NextFunction) {
  runWithCorrelation(normaliseCorrelationId(req.id), next);
}

/**
 * Pino JSON logs for the whole app. HTTP requests get their correlation id from
 * the x-correlation-id header (or a new one), echoed on the response; gRPC
 * handlers and NATS consumers set it through runWithCorrelation, and every log
 * line written inside carries it.
 */
@Global()
@Module({})
export class LoggingModule implements NestModule {
  static forRoot(options: LoggingOptions): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          // Express 5 path syntax; nestjs-pino's default '*' is the legacy form.
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
          pinoHttp: {
            level: options.level,
            base: { service: options.service },
            messageKey: 'msg',
            errorKey: 'err',
            timestamp: () => `,"time":"${new Date().toISOString()}"`,
            formatters: { level: (label) => ({ level: label }) },
            // Lines logged outside an HTTP request (gRPC, NATS, jobs) get the
            // correlation id from the async context; request loggers have it bound.
            mixin: (_object, _level, logger) => {
              const correlationId = currentCorrelationId();
              if (!correlationId || 'correlationId' in logger.bindings()) {
                return {};
              }

              return { correlationId };
            },
            genReqId: (req, res) => {
              const id = normaliseCorrelationId(req.headers[CORRELATION_HEADER]);
              res.setHeader(CORRELATION_HEADER, id);

              return id;
            },
            customAttributeKeys: { reqId: 'correlationId' },
            autoLogging: { ignore: (req) => QUIET_PATHS.has((req.url ?? '').split('?')[0]) },
            // Request and response bodies are never logged; headers that carry
            // credentials are removed from what is.
            redact: {
              paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
              remove: true,
            },
            serializers: {
              req: (req: { id: string; method: string; url: string }) => ({
                method: req.method,
                url: req.url?.split('?')[0],
              }),
            },
          },
        }),
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(correlationMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
