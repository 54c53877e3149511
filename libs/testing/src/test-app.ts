import { DynamicModule, INestApplication, Type } from '@nestjs/common';
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
import { GrpcServiceKey } from '@confer/proto';

import { freePort } from './free-port';

export interface TestApp<T> {
  app: INestApplication;
  grpcUrl: string;
  /** A client of the app's gRPC service, closed with the app. */
  client: ServiceClient<T>;
  close(): Promise<void>;
}

/**
 * Starts an app in this process the way main.ts does (gRPC server, its error
 * filter and interceptor), on a free gRPC port and any free HTTP port. The
 * app's module is built from its config, which needs the gRPC port chosen.
 */
export async function startTestApp<T extends object>(
  service: GrpcServiceKey,
  module: (grpcPort: number) => Type<unknown> | DynamicModule,
): Promise<TestApp<T>> {
  const grpcPort = await freePort();
  const grpcUrl = `127.0.0.1:${grpcPort}`;
  const app = await NestFactory.create(module(grpcPort), { logger: false });
  // Global filters and interceptors must exist before connectMicroservice binds the handlers.
  app.useGlobalFilters(new GrpcErrorFilter());
  app.useGlobalInterceptors(new GrpcContextInterceptor());
  app.connectMicroservice(grpcServerOptions(service, grpcUrl), { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.listen(0, '127.0.0.1');
  const { client, close } = testGrpcClient<T>(service, grpcUrl);

  return {
    app,
    grpcUrl,
    client,
    close: async () => {
      close();
      await app.close();
    },
  };
}

/** A client of one service at a given address, for tests that reach an app over gRPC. */
export function testGrpcClient<T extends object>(
  service: GrpcServiceKey,
  grpcUrl: string,
): { client: ServiceClient<T>; close(): void } {
  const proxy = new ClientGrpcProxy(grpcClientOptions(service, grpcUrl).options);

  return { client: serviceClient<T>(proxy, service), close: () => proxy.close() };
}
