import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientGrpcProxy } from '@nestjs/microservices';

import {
  grpcClientOptions,
  GrpcContextInterceptor,
  GrpcErrorFilter,
  grpcServerOptions,
  ServiceClient,
  serviceClient,
} from '@confer/grpc';
import { discussion } from '@confer/proto';

import { AppModule } from '../src/app.module';
import { loadDiscussionConfig } from '../src/config';
import { freePort } from './app-process';

export interface RunningDiscussion {
  app: INestApplication;
  client: ServiceClient<discussion.DiscussionServiceClient>;
  close(): Promise<void>;
}

/** Starts the discussion app in this process the way main.ts does, on free ports. */
export async function startDiscussion(env: Record<string, string>): Promise<RunningDiscussion> {
  const grpcPort = await freePort();
  const config = loadDiscussionConfig({ LOG_LEVEL: 'silent', GRPC_PORT: String(grpcPort), ...env });
  const grpcUrl = `127.0.0.1:${grpcPort}`;
  const app = await NestFactory.create(AppModule.forRoot(config), { logger: false });
  app.useGlobalFilters(new GrpcErrorFilter());
  app.useGlobalInterceptors(new GrpcContextInterceptor());
  app.connectMicroservice(grpcServerOptions('discussion', grpcUrl), { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.listen(0, '127.0.0.1');
  const proxy = new ClientGrpcProxy(grpcClientOptions('discussion', grpcUrl).options);

  return {
    app,
    client: serviceClient<discussion.DiscussionServiceClient>(proxy, 'discussion'),
    close: async () => {
      proxy.close();
      await app.close();
    },
  };
}
