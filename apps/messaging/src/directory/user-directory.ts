import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { ClientGrpc } from '@nestjs/microservices';

import { Caller, serviceClient, ServiceClient } from '@confer/grpc';
import { contacts } from '@confer/proto';

import { ConversationError } from '../conversations/conversation.errors';
import { isUuid } from '../conversations/ids';

export const CONTACTS_CLIENT = Symbol('CONTACTS_CLIENT');

/** Asks the directory (contacts) whether user ids name real, active users. */
@Injectable()
export class UserDirectory implements OnModuleInit {
  private contacts!: ServiceClient<contacts.ContactsServiceClient>;

  constructor(@Inject(CONTACTS_CLIENT) private readonly grpc: ClientGrpc) {}

  onModuleInit(): void {
    this.contacts = serviceClient<contacts.ContactsServiceClient>(this.grpc, 'contacts');
  }

  /**
   * Fails with conversation.group_creation_restricted unless the organisation's
   * policy lets the caller create group chats and discussions. Group creation is
   * rare, so contacts is asked each time; when it does not answer, the call fails
   * (service.unavailable) rather than letting the policy be bypassed.
   */
  async requireGroupCreation(caller: Caller): Promise<void> {
    const decision = await this.contacts.mayCreateGroup(caller, {
      orgId: caller.orgId,
      userId: caller.userId,
    });
    if (!decision.allowed) {
      throw ConversationError.groupCreationRestricted();
    }
  }

  /** Fails with conversation.unknown_users, naming every id that is unknown or disabled. */
  async requireActiveUsers(caller: Caller, userIds: string[]): Promise<void> {
    const ids = [...new Set(userIds)];
    if (ids.length === 0) {
      return;
    }
    const malformed = ids.filter((id) => !isUuid(id));
    if (malformed.length > 0) {
      throw ConversationError.unknownUsers(malformed);
    }
    const { items } = await this.contacts.getUsers(caller, { userIds: ids });
    const active = new Set(
      (items ?? [])
        .filter((user) => user.status === contacts.UserStatus.USER_STATUS_ACTIVE)
        .map((user) => user.id),
    );
    const missing = ids.filter((id) => !active.has(id));
    if (missing.length > 0) {
      throw ConversationError.unknownUsers(missing);
    }
  }
}
