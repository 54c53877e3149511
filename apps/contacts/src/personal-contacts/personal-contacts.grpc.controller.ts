import { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';

import { callerFromMetadata } from '@confer/grpc';
import { common, contactLists, contacts } from '@confer/proto';

import { PersonalContactsService } from './personal-contacts.service';

type PersonalContactMethods = Pick<
  contacts.ContactsServiceController,
  'listPersonalContacts' | 'addPersonalContact' | 'updatePersonalContact' | 'deletePersonalContact'
>;

@Controller()
export class PersonalContactsGrpcController implements PersonalContactMethods {
  constructor(private readonly contacts: PersonalContactsService) {}

  @GrpcMethod('ContactsService', 'listPersonalContacts')
  listPersonalContacts(
    request: contactLists.ListPersonalContactsRequest,
    metadata: Metadata,
  ): Promise<contactLists.PersonalContactPage> {
    return this.contacts.list(
      callerFromMetadata(metadata),
      request.limit,
      request.cursor || undefined,
    );
  }

  @GrpcMethod('ContactsService', 'addPersonalContact')
  addPersonalContact(
    request: contactLists.AddPersonalContactRequest,
    metadata: Metadata,
  ): Promise<contactLists.PersonalContact> {
    return this.contacts.add(callerFromMetadata(metadata), request);
  }

  @GrpcMethod('ContactsService', 'updatePersonalContact')
  updatePersonalContact(
    request: contactLists.UpdatePersonalContactRequest,
    metadata: Metadata,
  ): Promise<contactLists.PersonalContact> {
    return this.contacts.update(callerFromMetadata(metadata), request.id, {
      displayName: request.displayName ?? undefined,
      note: request.note ?? undefined,
    });
  }

  @GrpcMethod('ContactsService', 'deletePersonalContact')
  async deletePersonalContact(
    request: contactLists.PersonalContactRequest,
    metadata: Metadata,
  ): Promise<common.Empty> {
    await this.contacts.remove(callerFromMetadata(metadata), request.id);

    return {};
  }
}
