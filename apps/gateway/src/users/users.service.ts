import { createHash } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';

import { Caller } from '@confer/grpc';
import { contacts } from '@confer/proto';

import { AUTH, AuthClient, CONTACTS, ContactsClient } from '../clients/service-clients';
import { IdempotencyStore } from '../idempotency/idempotency.store';
import { toUserDto } from './user.mapper';
import { CreateUserDto, UserDto } from './users.dto';
import { UserError } from './users.errors';

/**
 * Creating a user takes two services: the directory entry (contacts) and its
 * password (auth-2fa). With an Idempotency-Key the steps are recorded, so a
 * retry after a failure between them finishes the job instead of colliding
 * with the e-mail address it already registered.
 */
@Injectable()
export class UsersService {
  constructor(
    @Inject(CONTACTS) private readonly contacts: ContactsClient,
    @Inject(AUTH) private readonly auth: AuthClient,
    private readonly idempotency: IdempotencyStore,
  ) {}

  async create(caller: Caller, body: CreateUserDto, idempotencyKey?: string): Promise<UserDto> {
    if (!idempotencyKey) {
      return this.setPassword(caller, await this.createEntry(caller, body), body.password);
    }
    const key = this.idempotency.scopedKey('users', caller.userId, idempotencyKey);
    const fingerprint = fingerprintOf(caller, body);
    const earlier = await this.idempotency.claim(key, fingerprint);
    if (earlier?.stage === 'done') {
      return earlier.value as UserDto;
    }
    if (earlier?.stage === 'claimed') {
      throw UserError.requestInProgress();
    }
    let user = earlier?.stage === 'entry_created' ? (earlier.value as contacts.User) : undefined;
    if (!user) {
      try {
        user = await this.createEntry(caller, body);
      } catch (error) {
        await this.idempotency.release(key);
        throw error;
      }
      await this.idempotency.save(key, { stage: 'entry_created', fingerprint, value: user });
    }
    const created = await this.setPassword(caller, user, body.password);
    await this.idempotency.save(key, { stage: 'done', fingerprint, value: created });

    return created;
  }

  async get(caller: Caller, userId: string): Promise<UserDto> {
    const { items } = await this.contacts.getUsers(caller, { userIds: [userId] });
    const user = items.find((candidate) => candidate.id === userId);
    if (!user) {
      throw UserError.notFound(userId);
    }

    return toUserDto(user);
  }

  private createEntry(caller: Caller, body: CreateUserDto): Promise<contacts.User> {
    return this.contacts.createUser(caller, {
      orgId: caller.orgId,
      email: body.email,
      displayName: body.displayName,
      roles: body.roles ?? [],
    });
  }

  private async setPassword(
    caller: Caller,
    user: contacts.User,
    password: string,
  ): Promise<UserDto> {
    await this.auth.setPassword(caller, { userId: user.id, password });

    return toUserDto(user);
  }
}

/** Identifies the request a key belongs to; the password is left out so it is never stored. */
function fingerprintOf(caller: Caller, body: CreateUserDto): string {
  const material = JSON.stringify([
    caller.orgId,
    body.email.toLowerCase(),
    body.displayName,
    body.roles ?? [],
  ]);

  return createHash('sha256').update(material).digest('hex');
}
