import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { DataSource } from 'typeorm';

import { schemaVersion } from '@confer/database';
import { common, auth } from '@confer/proto';

import { AUTH_CONFIG, AuthConfig } from '../config';

/** Answers Describe: the first call any client can make, and a check that the schema is in place. */
@Controller()
export class ServiceInfoGrpcController implements Pick<auth.AuthServiceController, 'describe'> {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  @GrpcMethod('AuthService', 'describe')
  async describe(): Promise<common.ServiceDescription> {
    return {
      name: this.config.platform.app,
      version: this.config.platform.version,
      schemaVersion: await schemaVersion(this.dataSource),
    };
  }
}
