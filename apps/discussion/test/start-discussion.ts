import { discussion } from '@confer/proto';
import { startTestApp, TestApp } from '@confer/testing';

import { AppModule } from '../src/app.module';
import { loadDiscussionConfig } from '../src/config';

export type RunningDiscussion = TestApp<discussion.DiscussionServiceClient>;

/** Starts the discussion app in this process the way main.ts does, on free ports. */
export function startDiscussion(env: Record<string, string>): Promise<RunningDiscussion> {
  return startTestApp<discussion.DiscussionServiceClient>('discussion', (grpcPort) =>
    AppModule.forRoot(
      loadDiscussionConfig({ LOG_LEVEL: 'silent', GRPC_PORT: String(grpcPort), ...env }),
    ),
  );
}
