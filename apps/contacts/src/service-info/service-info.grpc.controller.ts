import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { DataSource } from 'typeorm';

import { schemaVersion } from '@confer/database';
import { common, contacts } from '@confer/proto';

import { CONTACTS_CONFIG, ContactsConfig } from '../config';

/** Answers Describe: the first call any client can make, and a check that the schema is in place. */
@Controller()
export class ServiceInfoGrpcController implements Pick<
  contacts.ContactsServiceController,
  'describe'
> {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CONTACTS_CONFIG) private readonly config: ContactsConfig,
  ) {}

  @GrpcMethod('ContactsService', 'describe')
  async describe(): Promise<common.ServiceDescription> {
    return {
      name: this.config.platform.app,
      version: this.config.platform.version,
      schemaVersion: await schemaVersion(this.dataSource),
    };
  }
}
