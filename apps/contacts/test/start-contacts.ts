import { contacts } from '@confer/proto';
import { startTestApp, TestApp } from '@confer/testing';

import { AppModule } from '../src/app.module';
import { loadContactsConfig } from '../src/config';

export type RunningContacts = TestApp<contacts.ContactsServiceClient>;

/** Starts the contacts app in this process the way main.ts does, on free ports. */
export function startContacts(env: Record<string, string>): Promise<RunningContacts> {
  return startTestApp<contacts.ContactsServiceClient>('contacts', (grpcPort) =>
    AppModule.forRoot(
      loadContactsConfig({
        LOG_LEVEL: 'silent',
        GRPC_PORT: String(grpcPort),
        HTTP_PORT: '0',
        ...env,
      }),
    ),
  );
}
