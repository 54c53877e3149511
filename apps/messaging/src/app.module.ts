import { DynamicModule, Module } from '@nestjs/common';

import { ServicePlatformModule } from '@confer/bootstrap';

import { BlocksModule } from './blocks/blocks.module';
import { ChangesModule } from './changes/changes.module';
import { MESSAGING_CONFIG, MessagingConfig } from './config';
import { ConversationsModule } from './conversations/conversations.module';
import { ENTITIES } from './entities';
import { MessagesModule } from './messages/messages.module';
import { MIGRATIONS } from './migrations';
import { ReadStateModule } from './read-state/read-state.module';
import { RecentSessionsModule } from './recent/recent-sessions.module';
import { SharedConversationsModule } from './shared-conversations/shared-conversations.module';

@Module({})
export class AppModule {
  static forRoot(config: MessagingConfig): DynamicModule {
    return {
      module: AppModule,
      // The configuration object is available to every feature module.
      global: true,
      imports: [
        ServicePlatformModule.forRoot({
          config,
          entities: ENTITIES,
          migrations: MIGRATIONS,
          grpc: 'messaging',
        }),
        ChangesModule,
        ConversationsModule,
        MessagesModule,
        ReadStateModule,
        RecentSessionsModule,
        BlocksModule,
        SharedConversationsModule,
      ],
      providers: [{ provide: MESSAGING_CONFIG, useValue: config }],
      exports: [MESSAGING_CONFIG],
    };
  }
}
