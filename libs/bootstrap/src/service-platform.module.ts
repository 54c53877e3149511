import { DynamicModule, InjectionToken, Module } from '@nestjs/common';
import { NatsConnection } from 'nats';
import { DataSource } from 'typeorm';

import { ServiceConfig } from '@confer/config';
import { DatabaseModule, DatabaseOptions } from '@confer/database';
import { NATS_CONNECTION, NatsModule, natsReadinessCheck } from '@confer/events';
import { HealthModule, READINESS_CHECKS, ReadinessCheck } from '@confer/health';
import { LoggingModule } from '@confer/logging';
import { GrpcServiceKey } from '@confer/proto';

import { databaseReadinessCheck } from './database-readiness';
import { PLATFORM_CONFIG, serviceInfoGrpcController } from './service-info.grpc.controller';

export interface ServicePlatformOptions {
  config: ServiceConfig;
  entities: DatabaseOptions['entities'];
  migrations: DatabaseOptions['migrations'];
  /** The gRPC service whose Describe this app answers. */
  grpc: GrpcServiceKey;
  /** The app's own readiness checks, run beside PostgreSQL and NATS. */
  readiness?: {
    inject: InjectionToken[];
    useFactory: (...args: never[]) => ReadinessCheck[];
  };
}

/**
 * What every app with a database and NATS is built on: JSON logs, its DataSource (migrated at
 * boot), one NATS connection, /health and /metrics with the PostgreSQL and NATS checks before
 * the app's own, and Describe on its gRPC service.
 */
@Module({})
export class ServicePlatformModule {
  static forRoot(options: ServicePlatformOptions): DynamicModule {
    const { config, entities, migrations, readiness } = options;
    const extraInject = readiness?.inject ?? [];

    return {
      module: ServicePlatformModule,
      imports: [
        LoggingModule.forRoot({ service: config.platform.app, level: config.platform.logLevel }),
        DatabaseModule.forRootAsync({
          useFactory: () => ({ ...config.postgres, entities, migrations }),
        }),
        NatsModule.forRootAsync({
          useFactory: () => ({ url: config.nats.url, name: config.platform.app }),
        }),
        HealthModule.forRoot({
          service: config.platform.app,
          checks: {
            provide: READINESS_CHECKS,
            inject: [DataSource, NATS_CONNECTION, ...extraInject],
            useFactory: (dataSource: DataSource, nats: NatsConnection, ...rest: never[]) => [
              databaseReadinessCheck(dataSource),
              natsReadinessCheck(nats),
              ...(readiness?.useFactory(...rest) ?? []),
            ],
          },
        }),
      ],
      controllers: [serviceInfoGrpcController(options.grpc)],
      providers: [{ provide: PLATFORM_CONFIG, useValue: config.platform }],
      exports: [PLATFORM_CONFIG],
    };
  }
}
