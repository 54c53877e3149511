import 'reflect-metadata';

import { exitOnStartupError, runService } from '@confer/bootstrap';

import { AppModule } from './app.module';
import { loadMailBridgeConfig } from './config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

async function main(): Promise<void> {
  const config = loadMailBridgeConfig();
  await runService({
    platform: config.platform,
    module: AppModule.forRoot(config),
    grpc: 'mailbridge',
    database: { ...config.postgres, entities: ENTITIES, migrations: MIGRATIONS },
  });
}

main().catch(exitOnStartupError);
