import { DynamicModule, Global, Module } from '@nestjs/common';

import { DRIVE_CONFIG, DriveConfig } from './config';

/** Makes the app's validated configuration injectable in every feature module. */
@Global()
@Module({})
export class DriveConfigModule {
  static forRoot(config: DriveConfig): DynamicModule {
    return {
      module: DriveConfigModule,
      providers: [{ provide: DRIVE_CONFIG, useValue: config }],
      exports: [DRIVE_CONFIG],
    };
  }
}
