import { Controller, Inject } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { schemaVersion } from '@confer/database';
import { common, mailbridge } from '@confer/proto';

import { MAIL_BRIDGE_CONFIG, MailBridgeConfig } from '../config';

@Controller()
@mailbridge.MailBridgeServiceControllerMethods()
export class ServiceInfoGrpcController implements mailbridge.MailBridgeServiceController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(MAIL_BRIDGE_CONFIG) private readonly config: MailBridgeConfig,
  ) {}

  async describe(): Promise<common.ServiceDescription> {
    return {
      name: this.config.platform.app,
      version: this.config.platform.version,
      schemaVersion: await schemaVersion(this.dataSource),
    };
  }
}
