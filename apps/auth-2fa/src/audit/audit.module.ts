import { DynamicModule, Module } from '@nestjs/common';

import { ServiceConfig } from '@confer/config';

import { AuditIngestService } from './audit-ingest.service';
import { AuditRetentionService } from './audit-retention.service';
import { AuditConfig } from './audit.config';
import { AuditGrpcController } from './audit.grpc.controller';
import { AUDIT_OPTIONS } from './audit.options';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

/** The audit trail: every service's AuditRecorded lines, stored, served and pruned. */
@Module({})
export class AuditModule {
  static forRoot(config: ServiceConfig & { audit: AuditConfig }): DynamicModule {
    return {
      module: AuditModule,
      controllers: [AuditGrpcController],
      providers: [
        { provide: AUDIT_OPTIONS, useValue: { ...config.audit, prefix: config.nats.prefix } },
        AuditRepository,
        AuditService,
        AuditIngestService,
        AuditRetentionService,
      ],
      exports: [AuditService],
    };
  }
}
