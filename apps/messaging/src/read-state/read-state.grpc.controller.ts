import { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';

import { messaging } from '@confer/proto';

import { requireCaller } from '../caller';
import { ReadStateService } from './read-state.service';

/** Read cursors over gRPC. */
@Controller()
export class ReadStateGrpcController implements Pick<
  messaging.MessagingServiceController,
  'markRead'
> {
  constructor(private readonly readState: ReadStateService) {}

  @GrpcMethod('MessagingService', 'markRead')
  markRead(request: messaging.MarkReadRequest, metadata: Metadata): Promise<messaging.ReadState> {
    return this.readState.markRead(requireCaller(metadata), request);
  }
}
