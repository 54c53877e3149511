import { DynamicModule, Module } from '@nestjs/common';
import { NatsConnection } from 'nats';
import { DataSource } from 'typeorm';

import { databaseReadinessCheck } from '@confer/bootstrap';
import { DatabaseModule } from '@confer/database';
import { NATS_CONNECTION, NatsModule, natsReadinessCheck } from '@confer/events';
import { GrpcClientModule, grpcReadinessCheck } from '@confer/grpc';
import { HealthModule, READINESS_CHECKS } from '@confer/health';
import { LoggingModule } from '@confer/logging';

import { AuthConfig } from './config';
import { AuthConfigModule } from './config.module';
import { CredentialsModule } from './credentials/credentials.module';
import { CONTACTS, ContactsClient } from './directory/contacts-client';
import { ENTITIES } from './entities';
import { LoginModule } from './login/login.module';
import { MIGRATIONS } from './migrations';
import { ServiceInfoGrpcController } from './service-info/service-info.grpc.controller';
import { SigningKeysModule } from './signing-keys/signing-keys.module';

@Module({})
export class AppModule {
  static forRoot(config: AuthConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AuthConfigModule.forRoot(config),
        LoggingModule.forRoot({ service: config.platform.app, level: config.platform.logLevel }),
        DatabaseModule.forRootAsync({
          useFactory: () => ({ ...config.postgres, entities: ENTITIES, migrations: MIGRATIONS }),
        }),
        NatsModule.forRootAsync({
          useFactory: () => ({ url: config.nats.url, name: config.platform.app }),
        }),
        GrpcClientModule.forRoot({
          service: 'contacts',
          url: config.contactsGrpcUrl,
          token: CONTACTS,
        }),
        HealthModule.forRoot({
          service: config.platform.app,
          checks: {
            provide: READINESS_CHECKS,
            inject: [DataSource, NATS_CONNECTION, CONTACTS],
            useFactory: (
              dataSource: DataSource,
              nats: NatsConnection,
              contacts: ContactsClient,
            ) => [
              databaseReadinessCheck(dataSource),
              natsReadinessCheck(nats),
              // Login needs the directory: not ready while contacts does not answer.
              grpcReadinessCheck('contacts', contacts),
            ],
          },
        }),
        SigningKeysModule,
        CredentialsModule,
        LoginModule,
      ],
      controllers: [ServiceInfoGrpcController],
    };
  }
}
