import { mailbridge } from '@confer/proto';
import { startTestApp, TestApp } from '@confer/testing';

import { AppModule } from '../src/app.module';
import { loadMailBridgeConfig } from '../src/config';

export type RunningMailBridge = TestApp<mailbridge.MailBridgeServiceClient>;

/** Starts the mail-bridge app in this process the way main.ts does, on free ports. */
export function startMailBridge(env: Record<string, string>): Promise<RunningMailBridge> {
  return startTestApp<mailbridge.MailBridgeServiceClient>('mailbridge', (grpcPort) =>
    AppModule.forRoot(
      loadMailBridgeConfig({ LOG_LEVEL: 'silent', GRPC_PORT: String(grpcPort), ...env }),
    ),
  );
}
