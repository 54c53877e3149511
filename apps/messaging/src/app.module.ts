import { DynamicModule, Module } from '@nestjs/common';
import { NatsConnection } from 'nats';
import { DataSource } from 'typeorm';

import { databaseReadinessCheck } from '@confer/bootstrap';
import { DatabaseModule } from '@confer/database';
import { NATS_CONNECTION, NatsModule, natsReadinessCheck } from '@confer/events';
import { HealthModule, READINESS_CHECKS } from '@confer/health';
import { LoggingModule } from '@confer/logging';

import { ChangesModule } from './changes/changes.module';
import { MESSAGING_CONFIG, MessagingConfig } from './config';
import { ConversationsModule } from './conversations/conversations.module';
import { ENTITIES } from './entities';
import { MessagesModule } from './messages/messages.module';
import { MIGRATIONS } from './migrations';
import { ReadStateModule } from './read-state/read-state.module';
import { RecentSessionsModule } from './recent/recent-sessions.module';
import { ServiceInfoGrpcController } from './service-info/service-info.grpc.controller';

@Module({})
export class AppModule {
  static forRoot(config: MessagingConfig): DynamicModule {
    return {
      module: AppModule,
      // The configuration object is available to every feature module.
      global: true,
      imports: [
        LoggingModule.forRoot({ service: config.platform.app, level: config.platform.logLevel }),
        DatabaseModule.forRootAsync({
          useFactory: () => ({ ...config.postgres, entities: ENTITIES, migrations: MIGRATIONS }),
        }),
        NatsModule.forRootAsync({
          useFactory: () => ({ url: config.nats.url, name: config.platform.app }),
        }),
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
        ChangesModule,
        ConversationsModule,
        MessagesModule,
        ReadStateModule,
        RecentSessionsModule,
      ],
      controllers: [ServiceInfoGrpcController],
      providers: [{ provide: MESSAGING_CONFIG, useValue: config }],
      exports: [MESSAGING_CONFIG],
    };
  }
}
