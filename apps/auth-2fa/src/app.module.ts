import { DynamicModule, Module } from '@nestjs/common';

import { ServicePlatformModule } from '@confer/bootstrap';
import { OutboxModule } from '@confer/events';
import { GrpcClientModule, grpcReadinessCheck } from '@confer/grpc';
import { RedisModule } from '@confer/redis';

import { AuditModule } from './audit/audit.module';
import { AuthConfig } from './config';
import { AuthConfigModule } from './config.module';
import { CredentialsModule } from './credentials/credentials.module';
import { CONTACTS, ContactsClient } from './directory/contacts-client';
import { ENTITIES } from './entities';
import { LoginModule } from './login/login.module';
import { MAIL_BRIDGE, MailBridgeClient } from './login/mail-bridge-client';
import { MIGRATIONS } from './migrations';
import { SessionsModule } from './sessions/sessions.module';
import { SigningKeysModule } from './signing-keys/signing-keys.module';
import { SsoModule } from './sso/sso.module';
import { TwoFactorModule } from './two-factor/two-factor.module';

@Module({})
export class AppModule {
  static forRoot(config: AuthConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AuthConfigModule.forRoot(config),
        ServicePlatformModule.forRoot({
          config,
          entities: ENTITIES,
          migrations: MIGRATIONS,
          grpc: 'auth',
          readiness: {
            inject: [CONTACTS, MAIL_BRIDGE],
            // Login needs the directory and the mail check: not ready while either does not answer.
            useFactory: (contacts: ContactsClient, mailBridge: MailBridgeClient) => [
              grpcReadinessCheck('contacts', contacts),
              grpcReadinessCheck('mail-bridge', mailBridge),
            ],
          },
        }),
        GrpcClientModule.forRoot({
          service: 'contacts',
          url: config.contactsGrpcUrl,
          token: CONTACTS,
        }),
        GrpcClientModule.forRoot({
          service: 'mailbridge',
          url: config.mailBridgeGrpcUrl,
          token: MAIL_BRIDGE,
        }),
        OutboxModule.forRoot({ service: 'auth-2fa', prefix: config.nats.prefix }),
        // Where attempt limits (logins, second-factor codes) are counted; while
        // Redis is away an attempt is refused as unavailable, not let through unlimited.
        RedisModule.forRoot(config.redis.url, 'confer-auth-2fa'),
        SigningKeysModule,
        CredentialsModule,
        LoginModule,
        SessionsModule,
        SsoModule,
        TwoFactorModule.forRoot(config.twoFactor, config.nats.prefix),
        AuditModule.forRoot(config),
      ],
    };
  }
}
