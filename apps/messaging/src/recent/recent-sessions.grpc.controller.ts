import { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';

import { common, messaging } from '@confer/proto';

import { requireCaller } from '../caller';
import { RecentSessionsService } from './recent-sessions.service';

type Handles = 'listRecentSessions' | 'pinSession' | 'unpinSession' | 'hideSession';

/** The recent-session list and its per-user settings over gRPC. */
@Controller()
export class RecentSessionsGrpcController implements Pick<
  messaging.MessagingServiceController,
  Handles
> {
  constructor(private readonly sessions: RecentSessionsService) {}

  @GrpcMethod('MessagingService', 'listRecentSessions')
  listRecentSessions(
    request: messaging.ListRecentSessionsRequest,
    metadata: Metadata,
  ): Promise<messaging.RecentSessionPage> {
    return this.sessions.list(requireCaller(metadata), request);
  }

  @GrpcMethod('MessagingService', 'pinSession')
  async pinSession(request: messaging.SessionRequest, metadata: Metadata): Promise<common.Empty> {
    await this.sessions.pin(requireCaller(metadata), request.conversationId);

    return {};
  }

  @GrpcMethod('MessagingService', 'unpinSession')
  async unpinSession(request: messaging.SessionRequest, metadata: Metadata): Promise<common.Empty> {
    await this.sessions.unpin(requireCaller(metadata), request.conversationId);

    return {};
  }

  @GrpcMethod('MessagingService', 'hideSession')
  async hideSession(request: messaging.SessionRequest, metadata: Metadata): Promise<common.Empty> {
    await this.sessions.hide(requireCaller(metadata), request.conversationId);

    return {};
  }
}
