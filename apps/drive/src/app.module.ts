import { DynamicModule, Module } from '@nestjs/common';

import { ServicePlatformModule } from '@confer/bootstrap';

import { DriveConfig } from './config';
import { DriveConfigModule } from './config.module';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { ObjectStorageModule } from './storage/object-storage.module';
import { ObjectStorage } from './storage/object-storage.service';

@Module({})
export class AppModule {
  static forRoot(config: DriveConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServicePlatformModule.forRoot({
          config,
          entities: ENTITIES,
          migrations: MIGRATIONS,
          grpc: 'drive',
          readiness: {
            inject: [ObjectStorage],
            useFactory: (storage: ObjectStorage) => [storage.readinessCheck()],
          },
        }),
        DriveConfigModule.forRoot(config),
        ObjectStorageModule,
      ],
    };
  }
}
