import { Module } from '@nestjs/common';

import { ChangeStream } from './change-stream';
import { EventRelay } from './event-relay';
import { LiveTailer } from './live-tailer';
import { SyncGrpcController } from './sync.grpc.controller';
import { SyncService } from './sync.service';

/** The per-user change stream: writing changes, the live tailer, the outbox relay and Sync. */
@Module({
  controllers: [SyncGrpcController],
  providers: [ChangeStream, EventRelay, LiveTailer, SyncService],
  exports: [ChangeStream],
})
export class ChangesModule {}
