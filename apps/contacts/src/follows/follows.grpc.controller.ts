import { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';

import { callerFromMetadata } from '@confer/grpc';
import { common, contactLists, contacts } from '@confer/proto';

import { FollowsService } from './follows.service';

type FollowMethods = Pick<
  contacts.ContactsServiceController,
  'follow' | 'unfollow' | 'listFollowing'
>;

@Controller()
export class FollowsGrpcController implements FollowMethods {
  constructor(private readonly follows: FollowsService) {}

  @GrpcMethod('ContactsService', 'follow')
  follow(
    request: contactLists.PersonRequest,
    metadata: Metadata,
  ): Promise<contactLists.ListedPerson> {
    return this.follows.follow(callerFromMetadata(metadata), request.personId);
  }

  @GrpcMethod('ContactsService', 'unfollow')
  async unfollow(request: contactLists.PersonRequest, metadata: Metadata): Promise<common.Empty> {
    await this.follows.unfollow(callerFromMetadata(metadata), request.personId);

    return {};
  }

  @GrpcMethod('ContactsService', 'listFollowing')
  listFollowing(
    request: contactLists.ListPeopleRequest,
    metadata: Metadata,
  ): Promise<contactLists.ListedPersonPage> {
    return this.follows.list(
      callerFromMetadata(metadata),
      request.limit,
      request.cursor || undefined,
    );
  }
}
