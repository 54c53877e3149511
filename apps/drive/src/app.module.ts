import { DynamicModule, Module } from '@nestjs/common';
import { NatsConnection } from 'nats';
import { DataSource } from 'typeorm';

import { databaseReadinessCheck } from '@confer/bootstrap';
import { DatabaseModule } from '@confer/database';
import { NATS_CONNECTION, NatsModule, natsReadinessCheck } from '@confer/events';
import { HealthModule, READINESS_CHECKS } from '@confer/health';
import { LoggingModule } from '@confer/logging';

import { DriveConfig } from './config';
import { DriveConfigModule } from './config.module';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { ServiceInfoGrpcController } from './service-info/service-info.grpc.controller';
import { ObjectStorageModule } from './storage/object-storage.module';
import { ObjectStorage } from './storage/object-storage.service';

@Module({})
export class AppModule {
  static forRoot(config: DriveConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggingModule.forRoot({ service: config.platform.app, level: config.platform.logLevel }),
        DatabaseModule.forRootAsync({
          useFactory: () => ({ ...config.postgres, entities: ENTITIES, migrations: MIGRATIONS }),
        }),
        NatsModule.forRootAsync({
          useFactory: () => ({ url: config.nats.url, name: config.platform.app }),
        }),
        DriveConfigModule.forRoot(config),
        ObjectStorageModule,
        HealthModule.forRoot({
          service: config.platform.app,
          checks: {
            provide: READINESS_CHECKS,
            inject: [DataSource, NATS_CONNECTION, ObjectStorage],
            useFactory: (dataSource: DataSource, nats: NatsConnection, storage: ObjectStorage) => [
              databaseReadinessCheck(dataSource),
              natsReadinessCheck(nats),
              storage.readinessCheck(),
            ],
          },
        }),
      ],
      controllers: [ServiceInfoGrpcController],
    };
  }
}
