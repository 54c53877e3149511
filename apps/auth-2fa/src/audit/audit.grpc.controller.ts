import { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';

import { callerFromMetadata } from '@confer/grpc';
import { audit } from '@confer/proto';

import { toAuditEntryProto } from './audit-entry';
import { AuditPage, AuditService } from './audit.service';

@Controller()
export class AuditGrpcController implements audit.AuditServiceController {
  constructor(private readonly trail: AuditService) {}

  @GrpcMethod('AuditService', 'listMyAudit')
  async listMyAudit(
    request: audit.ListMyAuditRequest,
    metadata: Metadata,
  ): Promise<audit.AuditPage> {
    return toPageProto(await this.trail.listMine(callerFromMetadata(metadata), request));
  }

  @GrpcMethod('AuditService', 'listOrgAudit')
  async listOrgAudit(
    request: audit.ListOrgAuditRequest,
    metadata: Metadata,
  ): Promise<audit.AuditPage> {
    return toPageProto(await this.trail.listOrg(callerFromMetadata(metadata), request));
  }
}

function toPageProto(page: AuditPage): audit.AuditPage {
  return { items: page.items.map(toAuditEntryProto), nextCursor: page.nextCursor };
}
