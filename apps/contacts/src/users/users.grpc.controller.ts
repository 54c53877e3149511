import { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';

import { callerFromMetadata } from '@confer/grpc';
import { contacts } from '@confer/proto';

import { userToProto as toProto } from './user-proto';
import { UsersService } from './users.service';

type UserMethods = Pick<
  contacts.ContactsServiceController,
  'createUser' | 'getUsers' | 'findUserByEmail' | 'listUsers'
>;

@Controller()
export class UsersGrpcController implements UserMethods {
  constructor(private readonly users: UsersService) {}

  @GrpcMethod('ContactsService', 'createUser')
  async createUser(
    request: contacts.CreateUserRequest,
    metadata: Metadata,
  ): Promise<contacts.User> {
    const user = await this.users.create(callerFromMetadata(metadata), request.orgId, {
      email: request.email,
      displayName: request.displayName,
      roles: request.roles,
    });

    return toProto(user);
  }

  @GrpcMethod('ContactsService', 'getUsers')
  async getUsers(
    request: contacts.GetUsersRequest,
    metadata: Metadata,
  ): Promise<contacts.UserList> {
    // Any caller may resolve ids it holds (conversations span organisations); it must be one.
    callerFromMetadata(metadata);

    return { items: (await this.users.getMany(request.userIds)).map((user) => toProto(user)) };
  }

  @GrpcMethod('ContactsService', 'findUserByEmail')
  async findUserByEmail(
    request: contacts.FindUserByEmailRequest,
    metadata: Metadata,
  ): Promise<contacts.User> {
    return toProto(await this.users.findByEmail(callerFromMetadata(metadata), request.email));
  }

  @GrpcMethod('ContactsService', 'listUsers')
  async listUsers(
    request: contacts.ListUsersRequest,
    metadata: Metadata,
  ): Promise<contacts.UserPage> {
    const caller = callerFromMetadata(metadata);
    const page = await this.users.list(
      caller,
      request.orgId || caller.orgId,
      request.limit,
      request.cursor || undefined,
    );

    return { items: page.items.map((user) => toProto(user)), nextCursor: page.nextCursor ?? '' };
  }
}
