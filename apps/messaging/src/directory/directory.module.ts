import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { ClientGrpcProxy, ClientProxyFactory } from '@nestjs/microservices';

import { grpcClientOptions } from '@confer/grpc';

import { MESSAGING_CONFIG, MessagingConfig } from '../config';
import { CONTACTS_CLIENT, UserDirectory } from './user-directory';

@Injectable()
class ContactsClientCloser implements OnApplicationShutdown {
  constructor(@Inject(CONTACTS_CLIENT) private readonly client: ClientGrpcProxy) {}

  onApplicationShutdown(): void {
    this.client.close();
  }
}

/** The contacts service, asked which user ids are real. */
@Module({
  providers: [
    {
      provide: CONTACTS_CLIENT,
      inject: [MESSAGING_CONFIG],
      useFactory: (config: MessagingConfig) =>
        ClientProxyFactory.create(grpcClientOptions('contacts', config.contactsGrpcUrl)),
    },
    ContactsClientCloser,
    UserDirectory,
  ],
  exports: [UserDirectory],
})
export class DirectoryModule {}
