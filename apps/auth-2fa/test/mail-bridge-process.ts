import { ServiceClient } from '@confer/grpc';
import { mailbridge } from '@confer/proto';
import { spawnBuiltApp, testGrpcClient } from '@confer/testing';

export interface MailBridgeProcess {
  grpcUrl: string;
  client: ServiceClient<mailbridge.MailBridgeServiceClient>;
  stop(): Promise<void>;
}

/** The real mail-bridge app, run from its build as its own process, with a client of it. */
export async function startMailBridgeProcess(
  env: Record<string, string>,
): Promise<MailBridgeProcess> {
  const process = await spawnBuiltApp('mail-bridge', env);
  const { client, close } = testGrpcClient<mailbridge.MailBridgeServiceClient>(
    'mailbridge',
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
