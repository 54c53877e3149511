import 'reflect-metadata';

import { exitOnStartupError, runService } from '@confer/bootstrap';

import { AppModule } from './app.module';
import { loadMessagingConfig } from './config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

async function main(): Promise<void> {
  const config = loadMessagingConfig();
  await runService({
    platform: config.platform,
    module: AppModule.forRoot(config),
    grpc: 'messaging',
    database: { ...config.postgres, entities: ENTITIES, migrations: MIGRATIONS },
  });
}

main().catch(exitOnStartupError);
