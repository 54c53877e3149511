import { Module } from '@nestjs/common';

import { OrganisationsGrpcController } from './organisations.grpc.controller';
import { OrganisationsService } from './organisations.service';

@Module({
  controllers: [OrganisationsGrpcController],
  providers: [OrganisationsService],
})
export class OrganisationsModule {}
