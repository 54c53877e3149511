import { Controller, Inject, Type } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { DataSource } from 'typeorm';

import { PlatformConfig } from '@confer/config';
import { schemaVersion } from '@confer/database';
import { common, GRPC_SERVICES, GrpcServiceKey } from '@confer/proto';

export const PLATFORM_CONFIG = Symbol('PLATFORM_CONFIG');

/**
 * A controller answering Describe for one gRPC service: the first call any client can make, and
 * a check that the schema is in place. Every service declares the same method, so one class
 * per service name serves them all.
 */
export function serviceInfoGrpcController(service: GrpcServiceKey): Type<unknown> {
  @Controller()
  class ServiceInfoGrpcController {
    constructor(
      private readonly dataSource: DataSource,
      @Inject(PLATFORM_CONFIG) private readonly platform: PlatformConfig,
    ) {}

    @GrpcMethod(GRPC_SERVICES[service].service, 'describe')
    async describe(): Promise<common.ServiceDescription> {
      return {
        name: this.platform.app,
        version: this.platform.version,
        schemaVersion: await schemaVersion(this.dataSource),
      };
    }
  }

  return ServiceInfoGrpcController;
}
