import { contactLists } from '@confer/proto';

import { nextCursorOf } from '../http/paging.dto';
import { ListedPersonPageDto, PersonalContactDto, PersonSummaryDto } from './my-contacts.dto';

export function toPersonSummaryDto(person: contactLists.PersonSummary): PersonSummaryDto {
  return {
    id: person.id,
    orgId: person.orgId,
    displayName: person.displayName,
    email: person.email,
    status: person.status,
    title: person.title,
  };
}

export function toListedPersonPageDto(page: contactLists.ListedPersonPage): ListedPersonPageDto {
  return {
    items: page.items.flatMap((item) =>
      item.person ? [{ person: toPersonSummaryDto(item.person), since: item.since }] : [],
    ),
    nextCursor: nextCursorOf(page.nextCursor),
  };
}

export function toPersonalContactDto(contact: contactLists.PersonalContact): PersonalContactDto {
  return {
    id: contact.id,
    email: contact.email,
    displayName: contact.displayName,
    note: contact.note,
    person: contact.hasPerson && contact.person ? toPersonSummaryDto(contact.person) : null,
    createdAt: contact.createdAt,
    updatedAt: contact.updatedAt,
  };
}
