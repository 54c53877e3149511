import 'reflect-metadata';

import { exitOnStartupError, runService } from '@confer/bootstrap';

import { AppModule } from './app.module';
import { loadContactsConfig } from './config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

async function main(): Promise<void> {
  const config = loadContactsConfig();
  await runService({
    platform: config.platform,
    module: AppModule.forRoot(config),
    grpc: 'contacts',
    database: { ...config.postgres, entities: ENTITIES, migrations: MIGRATIONS },
  });
}

main().catch(exitOnStartupError);
