import { randomUUID } from 'node:crypto';

import { DynamicModule, Global, Module, OnApplicationShutdown } from '@nestjs/common';
import { ClientGrpcProxy } from '@nestjs/microservices';
import { common, GrpcServiceKey } from '@confer/proto';

import { Caller, SYSTEM_USER_ID, systemCaller } from './caller';
import { serviceClient } from './grpc-client';
import { grpcClientOptions } from './grpc-options';

export interface GrpcClientModuleOptions {
  /** The service called, as named in the contracts. */
  service: GrpcServiceKey;
  /** Its gRPC address, host:port. */
  url: string;
  /** What features inject to get the `ServiceClient` of that service. */
  token: symbol | string;
  deadlineMs?: number;
}

/**
 * One channel to another service, exposed under `token` as a caller-aware
 * promise client and closed when the app shuts down. Import it once per
 * service called; it is global, so every feature can inject the client.
 */
@Global()
@Module({})
export class GrpcClientModule {
  static forRoot(options: GrpcClientModuleOptions): DynamicModule {
    const proxyToken = Symbol(`${options.service} gRPC channel`);

    return {
      module: GrpcClientModule,
      providers: [
        {
          provide: proxyToken,
          useFactory: () => closedOnShutdown(grpcProxy(options.service, options.url)),
        },
        {
          provide: options.token,
          inject: [proxyToken],
          useFactory: (proxy: ClientGrpcProxy) =>
            serviceClient(proxy, options.service, options.deadlineMs),
        },
      ],
      exports: [options.token],
    };
  }
}

/** Anything with the Describe call every Confer service answers. */
export interface Describable {
  describe(caller: Caller, request: common.Empty): Promise<common.ServiceDescription>;
}

/** Ready only while the named service answers Describe: its process is up and its schema in place. */
export function grpcReadinessCheck(name: string, client: Describable) {
  return {
    name,
    check: async () => {
      await client.describe(systemCaller(SYSTEM_USER_ID, randomUUID()), {});
    },
  };
}

function grpcProxy(service: GrpcServiceKey, url: string): ClientGrpcProxy {
  return new ClientGrpcProxy(grpcClientOptions(service, url).options);
}

/** Nest calls the hook on the provider's value, as its own ClientsModule relies on. */
function closedOnShutdown(proxy: ClientGrpcProxy): ClientGrpcProxy & OnApplicationShutdown {
  return Object.assign(proxy, { onApplicationShutdown: () => proxy.close() });
}
