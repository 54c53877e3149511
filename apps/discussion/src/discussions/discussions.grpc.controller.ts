import { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';

import { callerFromMetadata } from '@confer/grpc';
import { discussion } from '@confer/proto';

import { DiscussionsService, DiscussionView } from './discussions.service';

type DiscussionMethods = Pick<
  discussion.DiscussionServiceController,
  'createDiscussion' | 'getDiscussion' | 'addMembers'
>;

@Controller()
export class DiscussionsGrpcController implements DiscussionMethods {
  constructor(private readonly discussions: DiscussionsService) {}

  @GrpcMethod('DiscussionService', 'createDiscussion')
  async createDiscussion(
    request: discussion.CreateDiscussionRequest,
    metadata: Metadata,
  ): Promise<discussion.Discussion> {
    return toProto(
      await this.discussions.create(callerFromMetadata(metadata), {
        topic: request.topic,
        memberIds: request.memberIds,
        idempotencyKey: request.idempotencyKey,
      }),
    );
  }

  @GrpcMethod('DiscussionService', 'getDiscussion')
  async getDiscussion(
    request: discussion.GetDiscussionRequest,
    metadata: Metadata,
  ): Promise<discussion.Discussion> {
    return toProto(await this.discussions.get(callerFromMetadata(metadata), request.discussionId));
  }

  @GrpcMethod('DiscussionService', 'addMembers')
  async addMembers(
    request: discussion.AddDiscussionMembersRequest,
    metadata: Metadata,
  ): Promise<discussion.Discussion> {
    return toProto(
      await this.discussions.addMembers(
        callerFromMetadata(metadata),
        request.discussionId,
        request.userIds,
      ),
    );
  }
}

function toProto({ discussion: row, memberCount }: DiscussionView): discussion.Discussion {
  return {
    id: row.id,
    orgId: row.orgId,
    topic: row.topic,
    creatorId: row.creatorId,
    createdAt: row.createdAt.toISOString(),
    memberCount,
  };
}
