import { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';

import { callerFromMetadata } from '@confer/grpc';
import { contacts } from '@confer/proto';

import { Organisation } from './organisation.entity';
import { OrganisationsService } from './organisations.service';

type OrganisationMethods = Pick<
  contacts.ContactsServiceController,
  'createOrganisation' | 'getOrganisation'
>;

@Controller()
export class OrganisationsGrpcController implements OrganisationMethods {
  constructor(private readonly organisations: OrganisationsService) {}

  @GrpcMethod('ContactsService', 'createOrganisation')
  async createOrganisation(
    request: contacts.CreateOrganisationRequest,
    metadata: Metadata,
  ): Promise<contacts.Organisation> {
    const organisation = await this.organisations.create(callerFromMetadata(metadata), {
      name: request.name,
      domain: request.domain,
      id: request.id || undefined,
    });

    return toProto(organisation);
  }

  @GrpcMethod('ContactsService', 'getOrganisation')
  async getOrganisation(
    request: contacts.GetOrganisationRequest,
    metadata: Metadata,
  ): Promise<contacts.Organisation> {
    return toProto(await this.organisations.get(callerFromMetadata(metadata), request.orgId));
  }
}

function toProto(organisation: Organisation): contacts.Organisation {
  return {
    id: organisation.id,
    name: organisation.name,
    domain: organisation.domain,
    createdAt: organisation.createdAt.toISOString(),
  };
}
