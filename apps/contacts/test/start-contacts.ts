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
import { contacts } from '@confer/proto';

import { AppModule } from '../src/app.module';
import { loadContactsConfig } from '../src/config';

export interface RunningContacts {
  app: INestApplication;
  client: ServiceClient<contacts.ContactsServiceClient>;
  grpcUrl: string;
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
 * Starts the contacts app in this process the way main.ts does (gRPC server,
 * its error filter and interceptor), on free ports, with the given variables.
 */
export async function startContacts(env: Record<string, string>): Promise<RunningContacts> {
  const grpcPort = await freePort();
  const config = loadContactsConfig({
    LOG_LEVEL: 'silent',
    GRPC_PORT: String(grpcPort),
    HTTP_PORT: '0',
    ...env,
  });
  const grpcUrl = `127.0.0.1:${grpcPort}`;
  const app = await NestFactory.create(AppModule.forRoot(config), { logger: false });
  app.useGlobalFilters(new GrpcErrorFilter());
  app.useGlobalInterceptors(new GrpcContextInterceptor());
  app.connectMicroservice(grpcServerOptions('contacts', grpcUrl), { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.listen(0, '127.0.0.1');
  const proxy = new ClientGrpcProxy(grpcClientOptions('contacts', grpcUrl).options);

  return {
    app,
    grpcUrl,
    client: serviceClient<contacts.ContactsServiceClient>(proxy, 'contacts'),
    close: async () => {
      proxy.close();
      await app.close();
    },
  };
}
