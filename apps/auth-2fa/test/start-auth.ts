import { createServer } from 'node:net';

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
import { auth } from '@confer/proto';

import { AppModule } from '../src/app.module';
import { loadAuthConfig } from '../src/config';

export interface RunningAuth {
  app: INestApplication;
  client: ServiceClient<auth.AuthServiceClient>;
  close(): Promise<void>;
}

/** A free loopback port, found by letting the kernel pick one. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Starts the auth-2fa app in this process the way main.ts does (gRPC server,
 * its error filter and interceptor), on free ports, with the given variables.
 */
export async function startAuth(env: Record<string, string>): Promise<RunningAuth> {
  const grpcPort = await freePort();
  const config = loadAuthConfig({ LOG_LEVEL: 'silent', GRPC_PORT: String(grpcPort), ...env });
  const grpcUrl = `127.0.0.1:${grpcPort}`;
  const app = await NestFactory.create(AppModule.forRoot(config), { logger: false });
  app.useGlobalFilters(new GrpcErrorFilter());
  app.useGlobalInterceptors(new GrpcContextInterceptor());
  app.connectMicroservice(grpcServerOptions('auth', grpcUrl), { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.listen(0, '127.0.0.1');
  const proxy = new ClientGrpcProxy(grpcClientOptions('auth', grpcUrl).options);

  return {
    app,
    client: serviceClient<auth.AuthServiceClient>(proxy, 'auth'),
    close: async () => {
      proxy.close();
      await app.close();
    },
  };
}
