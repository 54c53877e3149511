import { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';

import { callerFromMetadata } from '@confer/grpc';
import { contactLists, contacts } from '@confer/proto';

import { ContactCardsService } from './contact-cards.service';

@Controller()
export class ContactCardsGrpcController implements Pick<
  contacts.ContactsServiceController,
  'getContactCard'
> {
  constructor(private readonly cards: ContactCardsService) {}

  @GrpcMethod('ContactsService', 'getContactCard')
  getContactCard(
    request: contactLists.GetContactCardRequest,
    metadata: Metadata,
  ): Promise<contactLists.ContactCard> {
    return this.cards.card(callerFromMetadata(metadata), request.personId);
  }
}
