import { auth } from '@confer/proto';
import { startTestApp, TestApp } from '@confer/testing';

import { AppModule } from '../src/app.module';
import { loadAuthConfig } from '../src/config';

export type RunningAuth = TestApp<auth.AuthServiceClient>;

/** Starts the auth-2fa app in this process the way main.ts does, on free ports. */
export function startAuth(env: Record<string, string>): Promise<RunningAuth> {
  return startTestApp<auth.AuthServiceClient>('auth', (grpcPort) =>
    AppModule.forRoot(loadAuthConfig({ LOG_LEVEL: 'silent', GRPC_PORT: String(grpcPort), ...env })),
  );
}
