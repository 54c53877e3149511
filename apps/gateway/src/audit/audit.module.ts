import { DynamicModule, Module } from '@nestjs/common';

import { GrpcClientModule } from '@confer/grpc';

import { GatewayConfig } from '../config';
import { AUDIT, AuditHttpController } from './audit.http.controller';

/** Audit reads over HTTP, on a channel of their own to auth-2fa's AuditService. */
@Module({})
export class AuditModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AuditModule,
      imports: [
        GrpcClientModule.forRoot({ service: 'audit', url: config.grpc.auth, token: AUDIT }),
      ],
      controllers: [AuditHttpController],
    };
  }
}
