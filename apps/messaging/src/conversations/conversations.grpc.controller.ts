import { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';

import { common, messaging } from '@confer/proto';

import { requireCaller } from '../caller';
import { ConversationsService } from './conversations.service';
import { MembersService } from './members.service';

type Handles =
  | 'createConversation'
  | 'openPrivateConversation'
  | 'getConversation'
  | 'listMembers'
  | 'addMembers'
  | 'removeMember'
  | 'leaveConversation'
  | 'transferOwnership';

/** Conversations and their members over gRPC: reads the caller, delegates. */
@Controller()
export class ConversationsGrpcController implements Pick<
  messaging.MessagingServiceController,
  Handles
> {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly members: MembersService,
  ) {}

  @GrpcMethod('MessagingService', 'createConversation')
  createConversation(
    request: messaging.CreateConversationRequest,
    metadata: Metadata,
  ): Promise<messaging.Conversation> {
    return this.conversations.create(requireCaller(metadata), request);
  }

  @GrpcMethod('MessagingService', 'openPrivateConversation')
  openPrivateConversation(
    request: messaging.OpenPrivateConversationRequest,
    metadata: Metadata,
  ): Promise<messaging.Conversation> {
    return this.conversations.openPrivate(requireCaller(metadata), request.peerId);
  }

  @GrpcMethod('MessagingService', 'getConversation')
  getConversation(
    request: messaging.GetConversationRequest,
    metadata: Metadata,
  ): Promise<messaging.Conversation> {
    return this.conversations.get(requireCaller(metadata), request.conversationId);
  }

  @GrpcMethod('MessagingService', 'listMembers')
  listMembers(
    request: messaging.ListMembersRequest,
    metadata: Metadata,
  ): Promise<messaging.MemberPage> {
    return this.members.list(requireCaller(metadata), request);
  }

  @GrpcMethod('MessagingService', 'addMembers')
  addMembers(
    request: messaging.AddMembersRequest,
    metadata: Metadata,
  ): Promise<messaging.Conversation> {
    return this.members.add(requireCaller(metadata), request);
  }

  @GrpcMethod('MessagingService', 'removeMember')
  removeMember(
    request: messaging.RemoveMemberRequest,
    metadata: Metadata,
  ): Promise<messaging.Conversation> {
    return this.members.remove(requireCaller(metadata), request);
  }

  @GrpcMethod('MessagingService', 'leaveConversation')
  async leaveConversation(
    request: messaging.LeaveConversationRequest,
    metadata: Metadata,
  ): Promise<common.Empty> {
    await this.members.leave(requireCaller(metadata), request.conversationId);

    return {};
  }

  @GrpcMethod('MessagingService', 'transferOwnership')
  transferOwnership(
    request: messaging.TransferOwnershipRequest,
    metadata: Metadata,
  ): Promise<messaging.Conversation> {
    return this.members.transferOwnership(requireCaller(metadata), request);
  }
}
