import { Module } from '@nestjs/common';

import { MailDomainsModule } from '../mail-domains/mail-domains.module';
import { CredentialsGrpcController } from './credentials.grpc.controller';
import { MailCredentialsService } from './mail-credentials.service';

@Module({
  imports: [MailDomainsModule],
  controllers: [CredentialsGrpcController],
  providers: [MailCredentialsService],
})
export class CredentialsModule {}
