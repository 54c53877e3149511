import { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';

import { messaging } from '@confer/proto';

import { requireCaller } from '../caller';
import { SyncService } from './sync.service';

/** The change stream's catch-up read over gRPC. */
@Controller()
export class SyncGrpcController implements Pick<
  messaging.MessagingServiceController,
  'sync' | 'getSyncPosition'
> {
  constructor(private readonly syncService: SyncService) {}

  @GrpcMethod('MessagingService', 'sync')
  sync(request: messaging.SyncRequest, metadata: Metadata): Promise<messaging.SyncPage> {
    return this.syncService.sync(requireCaller(metadata), request);
  }

  @GrpcMethod('MessagingService', 'getSyncPosition')
  getSyncPosition(
    _request: messaging.GetSyncPositionRequest,
    metadata: Metadata,
  ): Promise<messaging.SyncPosition> {
    requireCaller(metadata);

    return this.syncService.position();
  }
}
