import { AppName } from '@confer/config';
import { ServiceClient } from '@confer/grpc';
import { GrpcServiceKey } from '@confer/proto';
import { spawnBuiltApp, testGrpcClient } from '@confer/testing';

export interface BuiltAppWithClient<T extends object> {
  grpcUrl: string;
  client: ServiceClient<T>;
  stop(): Promise<void>;
}

/** Another app, run from its build as its own process, with a gRPC client of its service. */
export async function startBuiltAppWithClient<T extends object>(
  app: AppName,
  service: GrpcServiceKey,
  env: Record<string, string>,
): Promise<BuiltAppWithClient<T>> {
  const process = await spawnBuiltApp(app, env);
  const { client, close } = testGrpcClient<T>(service, process.grpcUrl);

  return {
    grpcUrl: process.grpcUrl,
    client,
    stop: async () => {
      close();
      await process.stop();
    },
  };
}
