import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { DataSource } from 'typeorm';

import { schemaVersion } from '@confer/database';
import { common, discussion } from '@confer/proto';

import { DISCUSSION_CONFIG, DiscussionConfig } from '../config';

/** Answers Describe: the first call any client can make, and a check that the schema is in place. */
@Controller()
export class ServiceInfoGrpcController implements Pick<
  discussion.DiscussionServiceController,
  'describe'
> {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(DISCUSSION_CONFIG) private readonly config: DiscussionConfig,
  ) {}

  @GrpcMethod('DiscussionService', 'describe')
  async describe(): Promise<common.ServiceDescription> {
    return {
      name: this.config.platform.app,
      version: this.config.platform.version,
      schemaVersion: await schemaVersion(this.dataSource),
    };
  }
}
