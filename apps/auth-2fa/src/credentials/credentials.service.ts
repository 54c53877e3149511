import { randomBytes } from 'node:crypto';

import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';

import { Caller, isSystemCaller } from '@confer/grpc';

import { CONTACTS, ContactsClient } from '../directory/contacts-client';
import { CredentialError } from './credentials.errors';
import { LocalCredential } from './local-credential.entity';
import {
  hashPassword,
  isAcceptablePassword,
  PasswordHash,
  verifyPassword,
} from './password-hasher';

const ORG_ADMIN_ROLE = 'org_admin';

/** Local passwords: set by administrators or the platform, checked at login. */
@Injectable()
export class CredentialsService {
  private readonly logger = new Logger(CredentialsService.name);
  private readonly credentials: Repository<LocalCredential>;
  private dummy?: Promise<PasswordHash>;

  constructor(
    dataSource: DataSource,
    @Inject(CONTACTS) private readonly contacts: ContactsClient,
  ) {
    this.credentials = dataSource.getRepository(LocalCredential);
  }

  /** Sets (or replaces) a user's password: the platform, or an administrator of the user's organisation. */
  async setPassword(caller: Caller, userId: string, password: string): Promise<void> {
    const system = isSystemCaller(caller);
    if (!system && !caller.roles.includes(ORG_ADMIN_ROLE)) {
      throw CredentialError.forbidden();
    }
    if (!isAcceptablePassword(password)) {
      throw CredentialError.passwordInvalid();
    }
    const { items } = await this.contacts.getUsers(caller, { userIds: [userId] });
    const user = items.find((candidate) => candidate.id === userId);
    // Another organisation's user is answered like an unknown one: its existence is not ours to tell.
    if (!user || (!system && user.orgId !== caller.orgId)) {
      throw CredentialError.userNotFound();
    }
    const stored = await hashPassword(password);
    await this.credentials.save({
      userId: user.id,
      orgId: user.orgId,
      passwordHash: stored.hash,
      salt: stored.salt,
      scryptCost: stored.cost,
      scryptBlockSize: stored.blockSize,
      scryptParallelism: stored.parallelism,
    });
    this.logger.log({ userId: user.id, orgId: user.orgId }, 'password set');
  }

  /**
   * Whether the password is the user's. With no user, or a user without a
   * password, it still spends one hash on a dummy, so the answer takes about
   * as long as a real check and does not tell who has an account.
   */
  async verify(userId: string | undefined, password: string): Promise<boolean> {
    const credential = userId ? await this.credentials.findOneBy({ userId }) : null;
    if (!credential) {
      await verifyPassword(password, await this.dummyHash());

      return false;
    }

    return verifyPassword(password, {
      hash: credential.passwordHash,
      salt: credential.salt,
      cost: credential.scryptCost,
      blockSize: credential.scryptBlockSize,
      parallelism: credential.scryptParallelism,
    });
  }

  private dummyHash(): Promise<PasswordHash> {
    this.dummy ??= hashPassword(randomBytes(32).toString('base64url'));

    return this.dummy;
  }
}
