import { DynamicModule, Module } from '@nestjs/common';
import { NatsConnection } from 'nats';

import { NATS_CONNECTION, NatsModule, natsReadinessCheck } from '@confer/events';
import { HealthModule, READINESS_CHECKS } from '@confer/health';
import { LoggingModule } from '@confer/logging';
import { RedisModule } from '@confer/redis';

import { AdminSettingsModule } from './admin-settings/admin-settings.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { Public } from './auth/public.decorator';
import {
  AUTH,
  AuthClient,
  CONTACTS,
  ContactsClient,
  DISCUSSION,
  DiscussionClient,
  MESSAGING,
  MessagingClient,
} from './clients/service-clients';
import { ServiceClientsModule } from './clients/service-clients.module';
import { describeReadinessCheck } from './clients/service-readiness';
import { GATEWAY_CONFIG, GatewayConfig } from './config';
import { ContactCardsModule } from './contact-cards/contact-cards.module';
import { ConversationsHttpController } from './conversations/conversations.http.controller';
import { DirectoryAdminModule } from './directory-admin/directory-admin.module';
import { DirectoryHttpController } from './directory/directory.http.controller';
import { DiscussionsHttpController } from './discussions/discussions.http.controller';
import { IdempotencyStore } from './idempotency/idempotency.store';
import { LiveGateway } from './live/live.gateway';
import { MailDomainsHttpController } from './mail-domains/mail-domains.http.controller';
import { MessagesHttpController } from './messages/messages.http.controller';
import { MessagesService } from './messages/messages.service';
import { MyContactsModule } from './my-contacts/my-contacts.module';
import { RecentSessionsHttpController } from './recent-sessions/recent-sessions.http.controller';
import { ScimModule } from './scim/scim.module';
import { SyncHttpController } from './sync/sync.http.controller';
import { TwoFactorHttpModule } from './two-factor/two-factor.module';
import { UsersHttpController } from './users/users.http.controller';
import { UsersService } from './users/users.service';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    const health = HealthModule.forRoot({
      service: config.platform.app,
      checks: {
        provide: READINESS_CHECKS,
        inject: [NATS_CONNECTION, MESSAGING, DISCUSSION, CONTACTS, AUTH],
        useFactory: (
          nats: NatsConnection,
          messaging: MessagingClient,
          discussion: DiscussionClient,
          contacts: ContactsClient,
          auth: AuthClient,
        ) => [
          natsReadinessCheck(nats),
          describeReadinessCheck('messaging', messaging),
          describeReadinessCheck('discussion', discussion),
          describeReadinessCheck('contacts', contacts),
          describeReadinessCheck('auth-2fa', auth),
        ],
      },
    });
    // Probes and scrapers carry no token.
    for (const controller of health.controllers ?? []) {
      Public()(controller);
    }

    return {
      module: AppModule,
      imports: [
        {
          module: ConfigHolder,
          global: true,
          providers: [{ provide: GATEWAY_CONFIG, useValue: config }],
          exports: [GATEWAY_CONFIG],
        },
        LoggingModule.forRoot({ service: config.platform.app, level: config.platform.logLevel }),
        NatsModule.forRootAsync({
          useFactory: () => ({ url: config.nats.url, name: config.platform.app }),
        }),
        RedisModule.forRoot(config.redis.url, 'confer-gateway'),
        ServiceClientsModule.forRoot(config),
        AuthModule,
        TwoFactorHttpModule.forRoot(config),
        AuditModule.forRoot(config),
        AdminSettingsModule,
        DirectoryAdminModule,
        ContactCardsModule,
        MyContactsModule,
        ScimModule,
        health,
      ],
      controllers: [
        UsersHttpController,
        ConversationsHttpController,
        MessagesHttpController,
        DiscussionsHttpController,
        RecentSessionsHttpController,
        SyncHttpController,
        DirectoryHttpController,
        MailDomainsHttpController,
      ],
      providers: [MessagesService, UsersService, IdempotencyStore, LiveGateway],
    };
  }
}

/** Makes the validated configuration injectable everywhere. */
@Module({})
class ConfigHolder {}
