import { Module } from '@nestjs/common';

import { ChangeStream } from './change-stream';
import { EventRelay } from './event-relay';
import { LivePublisher } from './live-publisher';
import { SyncGrpcController } from './sync.grpc.controller';
import { SyncService } from './sync.service';

/** The per-user change stream: writing changes, live delivery, the outbox relay and Sync. */
@Module({
  controllers: [SyncGrpcController],
  providers: [ChangeStream, EventRelay, LivePublisher, SyncService],
  exports: [ChangeStream],
})
export class ChangesModule {}
