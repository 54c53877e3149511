import { ServiceClient } from '@confer/grpc';
import { contacts } from '@confer/proto';
import { spawnBuiltApp, testGrpcClient } from '@confer/testing';

export interface ContactsProcess {
  grpcUrl: string;
  client: ServiceClient<contacts.ContactsServiceClient>;
  stop(): Promise<void>;
}

/** The real contacts app, run from its build as its own process, with a client of it. */
export async function startContactsProcess(env: Record<string, string>): Promise<ContactsProcess> {
  const process = await spawnBuiltApp('contacts', env);
  const { client, close } = testGrpcClient<contacts.ContactsServiceClient>(
    'contacts',
    process.grpcUrl,
  );

  return {
    grpcUrl: process.grpcUrl,
    client,
    stop: async () => {
      close();
      await process.stop();
    },
  };
}
