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
    // The API takes JSON only: configureGatewayHttp registers that one parser.
    bodyParser: false,
    configureHttp: (app) => configureGatewayHttp(app, config),
  });
}

main().catch(exitOnStartupError);
