import { Module } from '@nestjs/common';

import { PeopleSearchGrpcController } from './people-search.grpc.controller';
import { PeopleSearchService } from './people-search.service';

@Module({
  controllers: [PeopleSearchGrpcController],
  providers: [PeopleSearchService],
  exports: [PeopleSearchService],
})
export class PeopleSearchModule {}
