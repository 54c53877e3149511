import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { DataSource } from 'typeorm';

import { schemaVersion } from '@confer/database';
import { common, messaging } from '@confer/proto';

import { MESSAGING_CONFIG, MessagingConfig } from '../config';

/** Answers Describe: the first call any client can make, and a check that the schema is in place. */
@Controller()
export class ServiceInfoGrpcController implements Pick<
  messaging.MessagingServiceController,
  'describe'
> {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
  ) {}

  @GrpcMethod('MessagingService', 'describe')
  async describe(): Promise<common.ServiceDescription> {
    return {
      name: this.config.platform.app,
      version: this.config.platform.version,
      schemaVersion: await schemaVersion(this.dataSource),
    };
  }
}
