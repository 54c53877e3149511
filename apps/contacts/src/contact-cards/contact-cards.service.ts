import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { Caller } from '@confer/grpc';
import { contactLists } from '@confer/proto';

import { BlocksService } from '../blocks/blocks.service';
import { FollowsService } from '../follows/follows.service';
import { requirePerson } from '../follows/person-list';
import { PersonalContactsService } from '../personal-contacts/personal-contacts.service';
import { User } from '../users/user.entity';

/**
 * A person as one viewer sees them: the directory's fields and the viewer's
 * own relation (followed, blocked, personal note). Disabled people keep
 * answering so old messages can still show who wrote them; people of other
 * organisations do not exist here.
 */
@Injectable()
export class ContactCardsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly follows: FollowsService,
    private readonly blocks: BlocksService,
    private readonly personalContacts: PersonalContactsService,
  ) {}

  async card(caller: Caller, personId: string): Promise<contactLists.ContactCard> {
    const { id } = await requirePerson(this.dataSource.manager, caller, personId);
    const person = await this.dataSource.getRepository(User).findOneByOrFail({ id });
    const addresses = [person.email, ...person.secondaryEmails];
    const [departments, followed, blocked, entry] = await Promise.all([
      this.dataSource.query(
        `SELECT d.id, d.name, ud.title FROM user_departments ud
         JOIN departments d ON d.id = ud.department_id
         WHERE ud.user_id = $1 ORDER BY d.depth, d.name`,
        [id],
      ) as Promise<{ id: string; name: string; title: string | null }[]>,
      this.follows.isFollowing(caller.userId, id),
      this.blocks.isBlocked(caller.userId, id),
      this.personalContacts.findForAddresses(caller.userId, addresses),
    ]);

    return {
      id,
      orgId: person.orgId,
      displayName: person.displayName,
      surname: person.surname ?? '',
      givenName: person.givenName ?? '',
      emails: addresses.map((address, index) => ({ address, primary: index === 0 })),
      deskPhone: person.deskPhone ?? '',
      mobile: person.mobile ?? '',
      title: person.title ?? '',
      employeeNumber: person.employeeNumber ?? '',
      status: person.status,
      departments: departments.map((row) => ({
        departmentId: row.id,
        name: row.name,
        title: row.title ?? '',
      })),
      followed,
      blocked,
      personalContactId: entry?.id ?? '',
      personalNote: entry?.note ?? '',
    };
  }
}
