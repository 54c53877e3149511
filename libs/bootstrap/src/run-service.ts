import { DynamicModule, INestApplication, Logger as NestLogger, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions } from '@nestjs/microservices';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';

import { ConfigError, PlatformConfig } from '@confer/config';
import { DatabaseOptions, openDataSource, runMigrations } from '@confer/database';
import { GrpcContextInterceptor, GrpcErrorFilter, grpcServerOptions } from '@confer/grpc';
import { GrpcServiceKey } from '@confer/proto';

export interface ServiceDefinition {
  platform: PlatformConfig;
  module: Type<unknown> | DynamicModule;
  /** The gRPC service this app serves, if any. */
  grpc?: GrpcServiceKey;
  /** The app's database, for `main.js migrate`. */
  database?: DatabaseOptions;
  /** Extra setup on the HTTP app before it listens (the gateway's API). */
  configureHttp?: (app: INestApplication) => void | Promise<void>;
  /**
   * Nest's default body parsers (JSON and URL-encoded forms); false when
   * configureHttp registers the ones it wants itself. Default true.
   */
  bodyParser?: boolean;
}

/**
 * The common life of every app: `main.js migrate` applies the schema and
 * exits (the Kubernetes Job); otherwise build the app, serve gRPC and HTTP,
 * and on SIGTERM or SIGINT stop accepting, finish in-flight work within the
 * grace period, and close connections.
 */
export async function runService(definition: ServiceDefinition): Promise<void> {
  const { platform } = definition;
  if (process.argv.includes('migrate')) {
    await migrateOnly(definition);

    return;
  }
  const app = await NestFactory.create(definition.module, {
    bufferLogs: true,
    bodyParser: definition.bodyParser ?? true,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.flushLogs();
  if (definition.grpc) {
    const url = `${platform.grpc.host}:${platform.grpc.port}`;
    // Global filters and interceptors must exist before connectMicroservice: it binds
    // each handler's exception filters when it is called, so later ones never apply.
    app.useGlobalFilters(new GrpcErrorFilter());
    app.useGlobalInterceptors(new GrpcContextInterceptor());
    app.connectMicroservice<MicroserviceOptions>(grpcServerOptions(definition.grpc, url), {
      inheritAppConfig: true,
    });
  }
  await definition.configureHttp?.(app);
  await app.startAllMicroservices();
  await app.listen(platform.http.port, platform.http.host);
  const server = app.getHttpServer() as import('node:http').Server;
  // Idle keep-alive sockets would hold shutdown open; requests still in flight are let finish.
  server.keepAliveTimeout = 65_000;
  new NestLogger('Service').log(
    {
      service: platform.app,
      http: `${platform.http.host}:${platform.http.port}`,
      ...(definition.grpc ? { grpc: `${platform.grpc.host}:${platform.grpc.port}` } : {}),
    },
    'service started',
  );
  handleSignals(app, platform.shutdownGraceMs);
}

async function migrateOnly(definition: ServiceDefinition): Promise<void> {
  if (!definition.database) {
    throw new Error(`${definition.platform.app} has no database to migrate`);
  }
  const dataSource: DataSource = await openDataSource(definition.database, false);
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

function handleSignals(app: INestApplication, graceMs: number): void {
  const logger = new NestLogger('Service');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.log({ signal }, 'shutting down');
    const server = app.getHttpServer() as import('node:http').Server;
    server.closeIdleConnections?.();
    const deadline = setTimeout(() => {
      logger.warn({ graceMs }, 'shutdown grace period over; exiting');
      process.exit(1);
    }, graceMs);
    deadline.unref();
    app
      .close()
      .then(() => {
        logger.log({}, 'stopped');
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

/** Prints configuration problems as one readable block and exits, instead of a stack trace. */
export function exitOnStartupError(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`Startup failed: ${message}\n`);
  process.exit(1);
}
