import { DynamicModule, Module } from '@nestjs/common';

import { ServicePlatformModule } from '@confer/bootstrap';
import { OutboxModule } from '@confer/events';
import { GrpcClientModule, grpcReadinessCheck } from '@confer/grpc';

import { DISCUSSION_CONFIG, DiscussionConfig } from './config';
import { ENTITIES } from './entities';
import { DiscussionsModule } from './discussions/discussions.module';
import { MESSAGING, MessagingClient } from './directory/messaging-client';
import { MIGRATIONS } from './migrations';

@Module({})
export class AppModule {
  static forRoot(config: DiscussionConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServicePlatformModule.forRoot({
          config,
          entities: ENTITIES,
          migrations: MIGRATIONS,
          grpc: 'discussion',
          readiness: {
            inject: [MESSAGING],
            // Every discussion call goes through messaging: not ready while it does not answer.
            useFactory: (client: MessagingClient) => [grpcReadinessCheck('messaging', client)],
          },
        }),
        OutboxModule.forRoot({ service: 'discussion', prefix: config.nats.prefix }),
        GrpcClientModule.forRoot({
          service: 'messaging',
          url: config.messagingGrpcUrl,
          token: MESSAGING,
        }),
        DiscussionsModule,
      ],
      providers: [{ provide: DISCUSSION_CONFIG, useValue: config }],
    };
  }
}
