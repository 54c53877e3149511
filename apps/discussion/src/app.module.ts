import { DynamicModule, Module } from '@nestjs/common';
import { NatsConnection } from 'nats';
import { DataSource } from 'typeorm';

import { databaseReadinessCheck } from '@confer/bootstrap';
import { DatabaseModule } from '@confer/database';
import { NATS_CONNECTION, NatsModule, natsReadinessCheck, OutboxModule } from '@confer/events';
import { GrpcClientModule, grpcReadinessCheck } from '@confer/grpc';
import { HealthModule, READINESS_CHECKS } from '@confer/health';
import { LoggingModule } from '@confer/logging';

import { DISCUSSION_CONFIG, DiscussionConfig } from './config';
import { ENTITIES } from './entities';
import { DiscussionsModule } from './discussions/discussions.module';
import { MESSAGING, MessagingClient } from './directory/messaging-client';
import { MIGRATIONS } from './migrations';
import { ServiceInfoGrpcController } from './service-info/service-info.grpc.controller';

@Module({})
export class AppModule {
  static forRoot(config: DiscussionConfig): DynamicModule {
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
        OutboxModule.forRoot({ service: 'discussion', prefix: config.nats.prefix }),
        GrpcClientModule.forRoot({
          service: 'messaging',
          url: config.messagingGrpcUrl,
          token: MESSAGING,
        }),
        HealthModule.forRoot({
          service: config.platform.app,
          checks: {
            provide: READINESS_CHECKS,
            inject: [DataSource, NATS_CONNECTION, MESSAGING],
            useFactory: (dataSource: DataSource, nats: NatsConnection, client: MessagingClient) => [
              databaseReadinessCheck(dataSource),
              natsReadinessCheck(nats),
              // Every discussion call goes through messaging: not ready while it does not answer.
              grpcReadinessCheck('messaging', client),
            ],
          },
        }),
        DiscussionsModule,
      ],
      controllers: [ServiceInfoGrpcController],
      providers: [{ provide: DISCUSSION_CONFIG, useValue: config }],
    };
  }
}
