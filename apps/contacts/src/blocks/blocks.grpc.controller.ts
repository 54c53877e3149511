import { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';

import { callerFromMetadata } from '@confer/grpc';
import { common, contactLists, contacts } from '@confer/proto';

import { BlocksService } from './blocks.service';

type BlockMethods = Pick<contacts.ContactsServiceController, 'block' | 'unblock' | 'listBlocked'>;

@Controller()
export class BlocksGrpcController implements BlockMethods {
  constructor(private readonly blocks: BlocksService) {}

  @GrpcMethod('ContactsService', 'block')
  block(
    request: contactLists.PersonRequest,
    metadata: Metadata,
  ): Promise<contactLists.ListedPerson> {
    return this.blocks.block(callerFromMetadata(metadata), request.personId);
  }

  @GrpcMethod('ContactsService', 'unblock')
  async unblock(request: contactLists.PersonRequest, metadata: Metadata): Promise<common.Empty> {
    await this.blocks.unblock(callerFromMetadata(metadata), request.personId);

    return {};
  }

  @GrpcMethod('ContactsService', 'listBlocked')
  listBlocked(
    request: contactLists.ListPeopleRequest,
    metadata: Metadata,
  ): Promise<contactLists.ListedPersonPage> {
    return this.blocks.list(
      callerFromMetadata(metadata),
      request.limit,
      request.cursor || undefined,
    );
  }
}
