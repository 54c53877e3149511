import { DynamicModule, Module } from '@nestjs/common';

import { ServicePlatformModule } from '@confer/bootstrap';
import { OutboxModule } from '@confer/events';

import { CONTACTS_CONFIG, ContactsConfig } from './config';
import { ContactCardsModule } from './contact-cards/contact-cards.module';
import { DepartmentsModule } from './departments/departments.module';
import { DirectorySyncModule } from './directory-sync/directory-sync.module';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { OrganisationsModule } from './organisations/organisations.module';
import { OrgSettingsModule } from './org-settings/org-settings.module';
import { PeopleSearchModule } from './people-search/people-search.module';
import { ScimModule } from './scim/scim.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule {
  static forRoot(config: ContactsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServicePlatformModule.forRoot({
          config,
          entities: ENTITIES,
          migrations: MIGRATIONS,
          grpc: 'contacts',
        }),
        OutboxModule.forRoot({ service: 'contacts', prefix: config.nats.prefix }),
        OrganisationsModule,
        UsersModule,
        DirectorySyncModule.forRoot(config),
        PeopleSearchModule,
        DepartmentsModule,
        ScimModule,
        OrgSettingsModule,
        ContactCardsModule,
      ],
      providers: [{ provide: CONTACTS_CONFIG, useValue: config }],
    };
  }
}
