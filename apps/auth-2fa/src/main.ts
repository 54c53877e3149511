import 'reflect-metadata';

import { exitOnStartupError, runService } from '@confer/bootstrap';

import { AppModule } from './app.module';
import { loadAuthConfig } from './config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

async function main(): Promise<void> {
  const config = loadAuthConfig();
  await runService({
    platform: config.platform,
    module: AppModule.forRoot(config),
    grpc: 'auth',
    database: { ...config.postgres, entities: ENTITIES, migrations: MIGRATIONS },
  });
}

main().catch(exitOnStartupError);
