import { DynamicModule, Module } from '@nestjs/common';
import { NatsConnection } from 'nats';
import { DataSource } from 'typeorm';

import { databaseReadinessCheck } from '@confer/bootstrap';
import { DatabaseModule } from '@confer/database';
import { NATS_CONNECTION, NatsModule, natsReadinessCheck, OutboxModule } from '@confer/events';
import { HealthModule, READINESS_CHECKS } from '@confer/health';
import { LoggingModule } from '@confer/logging';

import { CONTACTS_CONFIG, ContactsConfig } from './config';
import { DirectorySyncModule } from './directory-sync/directory-sync.module';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { OrganisationsModule } from './organisations/organisations.module';
import { PeopleSearchModule } from './people-search/people-search.module';
import { ServiceInfoGrpcController } from './service-info/service-info.grpc.controller';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule {
  static forRoot(config: ContactsConfig): DynamicModule {
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
        OutboxModule.forRoot({ service: 'contacts', prefix: config.nats.prefix }),
        HealthModule.forRoot({
          service: config.platform.app,
          checks: {
            provide: READINESS_CHECKS,
            inject: [DataSource, NATS_CONNECTION],
            useFactory: (dataSource: DataSource, nats: NatsConnection) => [
              databaseReadinessCheck(dataSource),
              natsReadinessCheck(nats),
            ],
          },
        }),
        OrganisationsModule,
        UsersModule,
        DirectorySyncModule.forRoot(config),
        PeopleSearchModule,
      ],
      controllers: [ServiceInfoGrpcController],
      providers: [{ provide: CONTACTS_CONFIG, useValue: config }],
    };
  }
}
