import { DynamicModule, Module } from '@nestjs/common';

import { ServicePlatformModule } from '@confer/bootstrap';

import { MAIL_BRIDGE_CONFIG, MailBridgeConfig } from './config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

@Module({})
export class AppModule {
  static forRoot(config: MailBridgeConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServicePlatformModule.forRoot({
          config,
          entities: ENTITIES,
          migrations: MIGRATIONS,
          grpc: 'mailbridge',
        }),
      ],
      providers: [{ provide: MAIL_BRIDGE_CONFIG, useValue: config }],
    };
  }
}
