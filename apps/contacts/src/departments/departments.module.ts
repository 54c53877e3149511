import { Module } from '@nestjs/common';

import { PeopleSearchModule } from '../people-search/people-search.module';
import { DepartmentsGrpcController } from './departments.grpc.controller';
import { DepartmentsService } from './departments.service';

@Module({
  imports: [PeopleSearchModule],
  controllers: [DepartmentsGrpcController],
  providers: [DepartmentsService],
})
export class DepartmentsModule {}
