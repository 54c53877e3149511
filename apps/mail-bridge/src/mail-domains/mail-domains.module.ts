import { Module } from '@nestjs/common';

import { MailDomainsGrpcController } from './mail-domains.grpc.controller';
import { MailDomainsService } from './mail-domains.service';

@Module({
  controllers: [MailDomainsGrpcController],
  providers: [MailDomainsService],
  exports: [MailDomainsService],
})
export class MailDomainsModule {}
