import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { DataSource } from 'typeorm';

import { schemaVersion } from '@confer/database';
import { common, mailbridge } from '@confer/proto';

import { MAIL_BRIDGE_CONFIG, MailBridgeConfig } from '../config';

/** Answers Describe: the first call any client can make, and a check that the schema is in place. */
@Controller()
export class ServiceInfoGrpcController implements Pick<mailbridge.MailBridgeServiceController, 'describe'> {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(MAIL_BRIDGE_CONFIG) private readonly config: MailBridgeConfig,
  ) {}

  @GrpcMethod('MailBridgeService', 'describe')
  async describe(): Promise<common.ServiceDescription> {
    return {
      name: this.config.platform.app,
      version: this.config.platform.version,
      schemaVersion: await schemaVersion(this.dataSource),
    };
  }
}
