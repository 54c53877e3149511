import { DynamicModule, Module } from '@nestjs/common';

import { CONTACTS_CONFIG, ContactsConfig } from '../config';
import { DirectorySyncGrpcController } from './directory-sync.grpc.controller';
import { DirectorySyncScheduler } from './directory-sync.scheduler';
import { DirectorySyncService } from './directory-sync.service';

@Module({})
export class DirectorySyncModule {
  static forRoot(config: ContactsConfig): DynamicModule {
    return {
      module: DirectorySyncModule,
      controllers: [DirectorySyncGrpcController],
      providers: [
        { provide: CONTACTS_CONFIG, useValue: config },
        DirectorySyncService,
        DirectorySyncScheduler,
      ],
    };
  }
}
