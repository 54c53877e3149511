import { DynamicModule, Global, Module } from '@nestjs/common';
import { ClientGrpc, ClientsModule } from '@nestjs/microservices';

import { grpcClientOptions, serviceClient } from '@confer/grpc';
import { GrpcServiceKey } from '@confer/proto';

import { GatewayConfig } from '../config';
import { AUTH, CONTACTS, DISCUSSION, MAIL_BRIDGE, MESSAGING } from './service-clients';

const CLIENTS: { token: symbol; key: GrpcServiceKey; url: (config: GatewayConfig) => string }[] = [
  { token: MESSAGING, key: 'messaging', url: (config) => config.grpc.messaging },
  { token: DISCUSSION, key: 'discussion', url: (config) => config.grpc.discussion },
  { token: CONTACTS, key: 'contacts', url: (config) => config.grpc.contacts },
  { token: AUTH, key: 'auth', url: (config) => config.grpc.auth },
  { token: MAIL_BRIDGE, key: 'mailbridge', url: (config) => config.grpc.mailBridge },
];

const grpcToken = (key: GrpcServiceKey) => `GRPC_${key.toUpperCase()}`;

/** One gRPC channel per downstream service, exposed as caller-aware promise clients. */
@Global()
@Module({})
export class ServiceClientsModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    const providers = CLIENTS.map(({ token, key }) => ({
      provide: token,
      inject: [grpcToken(key)],
      useFactory: (grpc: ClientGrpc) => serviceClient(grpc, key),
    }));

    return {
      module: ServiceClientsModule,
      imports: [
        ClientsModule.register(
          CLIENTS.map(({ key, url }) => ({
            name: grpcToken(key),
            ...grpcClientOptions(key, url(config)),
          })),
        ),
      ],
      providers,
      exports: providers.map((provider) => provider.provide),
    };
  }
}
