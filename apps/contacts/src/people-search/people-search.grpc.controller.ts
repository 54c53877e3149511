import { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';

import { callerFromMetadata } from '@confer/grpc';
import { contacts } from '@confer/proto';

import { userToProto } from '../users/user-proto';
import { PeopleSearchService } from './people-search.service';

@Controller()
export class PeopleSearchGrpcController implements Pick<
  contacts.ContactsServiceController,
  'searchPeople'
> {
  constructor(private readonly people: PeopleSearchService) {}

  @GrpcMethod('ContactsService', 'searchPeople')
  async searchPeople(
    request: contacts.SearchPeopleRequest,
    metadata: Metadata,
  ): Promise<contacts.UserList> {
    const caller = callerFromMetadata(metadata);
    const hits = await this.people.search(
      caller,
      request.orgId || caller.orgId,
      request.query,
      request.limit,
    );

    return { items: hits.map((hit) => userToProto(hit.user, hit.departments)) };
  }
}
