import { DynamicModule, Module } from '@nestjs/common';

import { ServicePlatformModule } from '@confer/bootstrap';
import { GrpcClientModule, grpcReadinessCheck } from '@confer/grpc';

import { AuditModule } from './audit/audit.module';
import { AuthConfig } from './config';
import { AuthConfigModule } from './config.module';
import { CredentialsModule } from './credentials/credentials.module';
import { CONTACTS, ContactsClient } from './directory/contacts-client';
import { ENTITIES } from './entities';
import { LoginModule } from './login/login.module';
import { MIGRATIONS } from './migrations';
import { SigningKeysModule } from './signing-keys/signing-keys.module';

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
            inject: [CONTACTS],
            // Login needs the directory: not ready while contacts does not answer.
            useFactory: (contacts: ContactsClient) => [grpcReadinessCheck('contacts', contacts)],
          },
        }),
        GrpcClientModule.forRoot({
          service: 'contacts',
          url: config.contactsGrpcUrl,
          token: CONTACTS,
        }),
        SigningKeysModule,
        CredentialsModule,
        LoginModule,
        AuditModule.forRoot(config),
      ],
    };
  }
}
