import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { DataSource } from 'typeorm';

import { schemaVersion } from '@confer/database';
import { common, drive } from '@confer/proto';

import { DRIVE_CONFIG, DriveConfig } from '../config';

/** Answers Describe: the first call any client can make, and a check that the schema is in place. */
@Controller()
export class ServiceInfoGrpcController implements Pick<drive.DriveServiceController, 'describe'> {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(DRIVE_CONFIG) private readonly config: DriveConfig,
  ) {}

  @GrpcMethod('DriveService', 'describe')
  async describe(): Promise<common.ServiceDescription> {
    return {
      name: this.config.platform.app,
      version: this.config.platform.version,
      schemaVersion: await schemaVersion(this.dataSource),
    };
  }
}
