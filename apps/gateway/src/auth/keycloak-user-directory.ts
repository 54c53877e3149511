import { randomUUID } from 'node:crypto';

import { ConferError } from '@confer/errors';
import { SYSTEM_USER_ID, systemCaller } from '@confer/grpc';
import { contacts } from '@confer/proto';

import { ContactsClient } from '../clients/service-clients';

/** The directory user a Keycloak account maps to. */
export interface DirectoryUser {
  id: string;
  orgId: string;
  /** The roles the directory gives the user. */
  roles: string[];
  active: boolean;
}

/** How the Keycloak verifier finds users; a fake in tests and the benchmark. */
export interface UserLookup {
  /** The user with this address, or undefined when the directory has none. */
  findByEmail(email: string): Promise<DirectoryUser | undefined>;
}

interface CachedAnswer {
  user: DirectoryUser | undefined;
  until: number;
}

/**
 * Maps a Keycloak account to its directory user by e-mail address through
 * contacts' FindUserByEmail, called as the platform. Answers (found or not)
 * are reused for a short while so a busy integrator does not turn every
 * request into a directory call; a user disabled in the directory is
 * therefore refused at most that long after. Failures (contacts down) are not
 * cached and propagate.
 */
export class KeycloakUserDirectory implements UserLookup {
  private readonly answers = new Map<string, CachedAnswer>();

  constructor(
    private readonly contactsClient: ContactsClient,
    private readonly cacheMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  async findByEmail(email: string): Promise<DirectoryUser | undefined> {
    const key = email.trim().toLowerCase();
    const cached = this.answers.get(key);
    if (cached && cached.until > this.now()) {
      return cached.user;
    }
    const user = await this.lookUp(key);
    this.remember(key, user);

    return user;
  }

  private async lookUp(email: string): Promise<DirectoryUser | undefined> {
    try {
      const user = await this.contactsClient.findUserByEmail(
        systemCaller(SYSTEM_USER_ID, randomUUID()),
        { email },
      );

      return {
        id: user.id,
        orgId: user.orgId,
        roles: user.roles,
        active: user.status === contacts.UserStatus.USER_STATUS_ACTIVE,
      };
    } catch (error) {
      if (error instanceof ConferError && error.code === 'user.not_found') {
        return undefined;
      }
      throw error;
    }
  }

  /** Bounded: the oldest answer goes first (a Map iterates in insertion order). */
  private remember(email: string, user: DirectoryUser | undefined): void {
    this.answers.delete(email);
    if (this.answers.size >= this.maxEntries) {
      const oldest = this.answers.keys().next().value;
      if (oldest !== undefined) {
        this.answers.delete(oldest);
      }
    }
    this.answers.set(email, { user, until: this.now() + this.cacheMs });
  }
}
