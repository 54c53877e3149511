import { DynamicModule, Global, Module } from '@nestjs/common';

import { ServicePlatformModule } from '@confer/bootstrap';
import { OutboxModule } from '@confer/events';

import { MAIL_BRIDGE_CONFIG, MailBridgeConfig } from './config';
import { CredentialsModule } from './credentials/credentials.module';
import { ENTITIES } from './entities';
import { MailDomainsModule } from './mail-domains/mail-domains.module';
import { MIGRATIONS } from './migrations';

@Module({})
export class AppModule {
  static forRoot(config: MailBridgeConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        MailBridgeConfigModule.forRoot(config),
        ServicePlatformModule.forRoot({
          config,
          entities: ENTITIES,
          migrations: MIGRATIONS,
          grpc: 'mailbridge',
        }),
        OutboxModule.forRoot({ service: 'mail-bridge', prefix: config.nats.prefix }),
        MailDomainsModule,
        CredentialsModule,
      ],
    };
  }
}

/** Makes the validated configuration injectable in every feature module. */
@Global()
@Module({})
class MailBridgeConfigModule {
  static forRoot(config: MailBridgeConfig): DynamicModule {
    return {
      module: MailBridgeConfigModule,
      providers: [{ provide: MAIL_BRIDGE_CONFIG, useValue: config }],
      exports: [MAIL_BRIDGE_CONFIG],
    };
  }
}
