import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { Caller } from '@confer/grpc';
import { contactLists } from '@confer/proto';

import { CurrentCaller } from '../auth/current-caller.decorator';
import { CONTACTS, ContactsClient, MESSAGING, MessagingClient } from '../clients/service-clients';
import { toConversationDto } from '../conversations/conversation.mapper';
import { ApiErrors } from '../http/api-errors';
import { uuidParam } from '../http/validation';
import { ContactCardDto } from './contact-cards.dto';

export const SHARED_CONVERSATIONS_ON_CARD = 20;

/** A person's card: contacts' fields and the viewer's relation, messaging's shared groups. */
@ApiTags('directory')
@Controller('contacts/people')
export class ContactCardsHttpController {
  constructor(
    @Inject(CONTACTS) private readonly contacts: ContactsClient,
    @Inject(MESSAGING) private readonly messaging: MessagingClient,
  ) {}

  @Get(':id/card')
  @ApiOkResponse({ type: ContactCardDto })
  @ApiErrors({ 404: ['person.not_found'] })
  async card(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam('id')) id: string,
  ): Promise<ContactCardDto> {
    const [card, shared] = await Promise.all([
      this.contacts.getContactCard(caller, { personId: id }),
      this.messaging.listSharedConversations(caller, {
        otherUserId: id,
        limit: SHARED_CONVERSATIONS_ON_CARD,
      }),
    ]);

    return toCardDto(card, shared.items.map(toConversationDto));
  }
}

function toCardDto(
  card: contactLists.ContactCard,
  sharedConversations: ContactCardDto['sharedConversations'],
): ContactCardDto {
  return {
    id: card.id,
    orgId: card.orgId,
    displayName: card.displayName,
    surname: card.surname,
    givenName: card.givenName,
    emails: card.emails.map((email) => ({ address: email.address, primary: email.primary })),
    deskPhone: card.deskPhone,
    mobile: card.mobile,
    title: card.title,
    employeeNumber: card.employeeNumber,
    status: card.status,
    departments: card.departments.map((department) => ({
      departmentId: department.departmentId,
      name: department.name,
      title: department.title,
    })),
    followed: card.followed,
    blocked: card.blocked,
    personalContactId: card.personalContactId || null,
    personalNote: card.personalContactId ? card.personalNote : null,
    sharedConversations,
  };
}
