import { Module } from '@nestjs/common';

import { PersonalContactsGrpcController } from './personal-contacts.grpc.controller';
import { PersonalContactsService } from './personal-contacts.service';

@Module({
  controllers: [PersonalContactsGrpcController],
  providers: [PersonalContactsService],
  exports: [PersonalContactsService],
})
export class PersonalContactsModule {}
