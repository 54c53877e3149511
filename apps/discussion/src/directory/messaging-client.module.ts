import { randomUUID } from 'node:crypto';

import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  OnApplicationShutdown,
} from '@nestjs/common';
import { ClientGrpcProxy } from '@nestjs/microservices';

import {
  grpcClientOptions,
  ServiceClient,
  serviceClient,
  SYSTEM_USER_ID,
  systemCaller,
} from '@confer/grpc';
import { messaging } from '@confer/proto';

/** Messaging, where every discussion's conversation and its membership live. */
export const MESSAGING = Symbol('MESSAGING');
export type MessagingClient = ServiceClient<messaging.MessagingServiceClient>;

const MESSAGING_PROXY = Symbol('MESSAGING_PROXY');

@Injectable()
class MessagingProxyCloser implements OnApplicationShutdown {
  constructor(@Inject(MESSAGING_PROXY) private readonly proxy: ClientGrpcProxy) {}

  onApplicationShutdown(): void {
    this.proxy.close();
  }
}

@Global()
@Module({})
export class MessagingClientModule {
  static forRoot(grpcUrl: string): DynamicModule {
    return {
      module: MessagingClientModule,
      providers: [
        {
          provide: MESSAGING_PROXY,
          useFactory: () => new ClientGrpcProxy(grpcClientOptions('messaging', grpcUrl).options),
        },
        {
          provide: MESSAGING,
          inject: [MESSAGING_PROXY],
          useFactory: (proxy: ClientGrpcProxy): MessagingClient =>
            serviceClient<messaging.MessagingServiceClient>(proxy, 'messaging'),
        },
        MessagingProxyCloser,
      ],
      exports: [MESSAGING],
    };
  }
}

/** Every discussion call goes through messaging: not ready while it does not answer. */
export function messagingReadinessCheck(client: MessagingClient) {
  return {
    name: 'messaging',
    check: async () => {
      await client.describe(systemCaller(SYSTEM_USER_ID, randomUUID()), {});
    },
  };
}
