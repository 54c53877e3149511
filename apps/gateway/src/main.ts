import 'reflect-metadata';

import { exitOnStartupError, runService } from '@confer/bootstrap';

import { AppModule } from './app.module';
import { loadGatewayConfig } from './config';
import { configureGatewayHttp } from './http/http-setup';

async function main(): Promise<void> {
  const config = loadGatewayConfig();
  await runService({
    platform: config.platform,
    module: AppModule.forRoot(config),
    configureHttp: (app) => configureGatewayHttp(app, config),
  });
}

main().catch(exitOnStartupError);
