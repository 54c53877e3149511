import 'reflect-metadata';

import { exitOnStartupError, runService } from '@confer/bootstrap';

import { AppModule } from './app.module';
import { loadDriveConfig } from './config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

async function main(): Promise<void> {
  const config = loadDriveConfig();
  await runService({
    platform: config.platform,
    module: AppModule.forRoot(config),
    grpc: 'drive',
    database: { ...config.postgres, entities: ENTITIES, migrations: MIGRATIONS },
  });
}

main().catch(exitOnStartupError);
