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
import { contacts } from '@confer/proto';

/** The directory, asked who a login's address belongs to and which organisation a user is in. */
export const CONTACTS = Symbol('CONTACTS');
export type ContactsClient = ServiceClient<contacts.ContactsServiceClient>;

const CONTACTS_PROXY = Symbol('CONTACTS_PROXY');

@Injectable()
class ContactsProxyCloser implements OnApplicationShutdown {
  constructor(@Inject(CONTACTS_PROXY) private readonly proxy: ClientGrpcProxy) {}

  onApplicationShutdown(): void {
    this.proxy.close();
  }
}

@Global()
@Module({})
export class ContactsClientModule {
  static forRoot(grpcUrl: string): DynamicModule {
    return {
      module: ContactsClientModule,
      providers: [
        {
          provide: CONTACTS_PROXY,
          useFactory: () => new ClientGrpcProxy(grpcClientOptions('contacts', grpcUrl).options),
        },
        {
          provide: CONTACTS,
          inject: [CONTACTS_PROXY],
          useFactory: (proxy: ClientGrpcProxy): ContactsClient =>
            serviceClient<contacts.ContactsServiceClient>(proxy, 'contacts'),
        },
        ContactsProxyCloser,
      ],
      exports: [CONTACTS],
    };
  }
}

/** Login needs the directory: not ready while contacts does not answer. */
export function contactsReadinessCheck(contacts: ContactsClient) {
  return {
    name: 'contacts',
    check: async () => {
      await contacts.describe(systemCaller(SYSTEM_USER_ID, randomUUID()), {});
    },
  };
}
