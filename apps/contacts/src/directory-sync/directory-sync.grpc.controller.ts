import { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';

import { callerFromMetadata } from '@confer/grpc';
import { contacts } from '@confer/proto';

import { DirectorySyncService } from './directory-sync.service';
import { SyncRun } from './sync-run.entity';

type SyncMethods = Pick<
  contacts.ContactsServiceController,
  'startDirectorySync' | 'getDirectorySyncRun' | 'listDirectorySyncRuns'
>;

@Controller()
export class DirectorySyncGrpcController implements SyncMethods {
  constructor(private readonly sync: DirectorySyncService) {}

  @GrpcMethod('ContactsService', 'startDirectorySync')
  async startDirectorySync(
    request: contacts.StartDirectorySyncRequest,
    metadata: Metadata,
  ): Promise<contacts.DirectorySyncRun> {
    const caller = callerFromMetadata(metadata);

    return toProto(await this.sync.start(caller, request.orgId || caller.orgId, request.full));
  }

  @GrpcMethod('ContactsService', 'getDirectorySyncRun')
  async getDirectorySyncRun(
    request: contacts.GetDirectorySyncRunRequest,
    metadata: Metadata,
  ): Promise<contacts.DirectorySyncRun> {
    return toProto(await this.sync.get(callerFromMetadata(metadata), request.id));
  }

  @GrpcMethod('ContactsService', 'listDirectorySyncRuns')
  async listDirectorySyncRuns(
    request: contacts.ListDirectorySyncRunsRequest,
    metadata: Metadata,
  ): Promise<contacts.DirectorySyncRunList> {
    const caller = callerFromMetadata(metadata);
    const runs = await this.sync.list(caller, request.orgId || caller.orgId, request.limit);

    return { items: runs.map(toProto) };
  }
}

export function toProto(run: SyncRun): contacts.DirectorySyncRun {
  const { report } = run;

  return {
    id: run.id,
    orgId: run.orgId,
    full: run.fullRun,
    status: run.status,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? '',
    processed: run.processed,
    total: run.total,
    created: report.created,
    updated: report.updated,
    moved: report.moved,
    disabled: report.disabled,
    departmentsCreated: report.departmentsCreated,
    departmentsUpdated: report.departmentsUpdated,
    departmentsRemoved: report.departmentsRemoved,
    failures: report.failures,
    errorCode: run.errorCode ?? '',
    errorMessage: run.errorMessage ?? '',
  };
}
