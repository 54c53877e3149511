import { randomUUID } from 'node:crypto';

import { Injectable, Logger } from '@nestjs/common';
import { DataSource, In, Repository } from 'typeorm';

import { decodeCursor, encodeCursor, pageLimit } from '@confer/database';
import { OutboxPublisher, writeOutbox } from '@confer/events';
import { Caller, isSystemCaller } from '@confer/grpc';

import { domainOf, foldEmail } from '../addresses/addresses';
import { OrganisationError } from '../organisations/organisations.errors';
import { Organisation } from '../organisations/organisation.entity';
import { isUuid, violatedUniqueConstraint } from '../persistence/postgres-errors';
import { normaliseNewUser, NewUserFields, ORG_ADMIN_ROLE } from './user-input';
import { User } from './user.entity';
import { UserError } from './users.errors';

export const MAX_USER_IDS = 1_000;
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export interface UserPage {
  items: User[];
  nextCursor?: string;
}

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);
  private readonly users: Repository<User>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxPublisher,
  ) {
    this.users = dataSource.getRepository(User);
  }

  /**
   * Adds a person to an organisation: by the platform, or by an administrator
   * of that organisation within its own mail domain (so no organisation can
   * claim another's addresses, which would capture those people's logins).
   */
  async create(caller: Caller, orgId: string, fields: NewUserFields): Promise<User> {
    const system = isSystemCaller(caller);
    if (!system && !(caller.orgId === orgId && caller.roles.includes(ORG_ADMIN_ROLE))) {
      throw UserError.forbidden('Only an administrator of the organisation may add users.');
    }
    const user = normaliseNewUser(fields);
    const organisation = isUuid(orgId)
      ? await this.dataSource.getRepository(Organisation).findOneBy({ id: orgId })
      : null;
    if (!organisation) {
      throw OrganisationError.notFound(orgId);
    }
    if (!system && domainOf(user.email) !== organisation.domain) {
      throw UserError.emailOutsideDomain(organisation.domain);
    }
    const id = randomUUID();

    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.insert(User, { id, orgId, status: 'active', ...user });
        await writeOutbox(manager, [
          {
            subject: this.outbox.subject('user.created'),
            payload: { orgId, userId: id, email: user.email, occurredAt: new Date().toISOString() },
          },
        ]);
      });
    } catch (error) {
      if (violatedUniqueConstraint(error) === 'users_email_key') {
        throw UserError.emailTaken(user.email);
      }
      throw error;
    }
    this.outbox.notify();
    this.logger.log({ userId: id, orgId }, 'user created');

    return this.users.findOneByOrFail({ id });
  }

  /** Users by id, in the order asked; ids that name nobody are simply absent. */
  async getMany(ids: string[]): Promise<User[]> {
    if (ids.length > MAX_USER_IDS) {
      throw UserError.tooManyIds(MAX_USER_IDS);
    }
    const wanted = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
    if (wanted.length === 0) {
      return [];
    }
    const found = new Map(
      (await this.users.findBy({ id: In(wanted) })).map((user) => [user.id, user]),
    );

    return wanted.flatMap((id) => found.get(id) ?? []);
  }

  /** The user with this address, for login (platform only). */
  async findByEmail(caller: Caller, email: string): Promise<User> {
    if (!isSystemCaller(caller)) {
      throw UserError.forbidden('Only the platform may look users up by address.');
    }
    const folded = foldEmail(email);
    const user = folded ? await this.users.findOneBy({ email: folded }) : null;
    if (!user) {
      throw UserError.notFound();
    }

    return user;
  }

  /** One organisation's people by display name, to its own members and the platform. */
  async list(caller: Caller, orgId: string, limit?: number, cursor?: string): Promise<UserPage> {
    if (!isUuid(orgId) || (caller.orgId !== orgId && !isSystemCaller(caller))) {
      throw OrganisationError.notFound(orgId);
    }
    const size = pageLimit(limit, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    // Served by users_org_display_name_idx: an index range scan from the cursor.
    const query = this.users
      .createQueryBuilder('u')
      .where('u.org_id = :orgId', { orgId })
      .orderBy('lower(u.display_name)', 'ASC')
      .addOrderBy('u.id', 'ASC')
      .limit(size + 1);
    if (cursor) {
      const after = decodeCursor(cursor, { name: 'string', id: 'uuid' });
      query.andWhere('(lower(u.display_name), u.id) > (:name, :id)', {
        name: after.name,
        id: after.id,
      });
    }
    // The cursor carries the database's own lower() of the last name, so the next page
    // compares like with like whatever the database's case mapping is.
    const { entities, raw } = await query
      .addSelect('lower(u.display_name)', 'sort_name')
      .getRawAndEntities<{ sort_name: string }>();
    const items = entities.slice(0, size);
    const last = items[items.length - 1];

    return {
      items,
      nextCursor:
        entities.length > size && last
          ? encodeCursor({ name: raw[size - 1].sort_name, id: last.id })
          : undefined,
    };
  }
}
