import { DynamicModule, Module } from '@nestjs/common';

import { CONTACTS_CONFIG, ContactsConfig } from '../config';
import { DirectorySyncGrpcController } from './directory-sync.grpc.controller';
import { DirectorySyncProcessor } from './directory-sync.processor';
import { DirectorySyncQueue } from './directory-sync.queue';
import { DirectorySyncService } from './directory-sync.service';
import { LdapSettingsGrpcController } from './ldap-settings.grpc.controller';
import { LdapSettingsService } from './ldap-settings.service';

@Module({})
export class DirectorySyncModule {
  static forRoot(config: ContactsConfig): DynamicModule {
    return {
      module: DirectorySyncModule,
      controllers: [DirectorySyncGrpcController, LdapSettingsGrpcController],
      providers: [
        { provide: CONTACTS_CONFIG, useValue: config },
        LdapSettingsService,
        DirectorySyncQueue,
        DirectorySyncService,
        DirectorySyncProcessor,
      ],
    };
  }
}
