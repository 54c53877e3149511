import { Module } from '@nestjs/common';

import { OrgSettingsGrpcController } from './org-settings.grpc.controller';
import { OrgSettingsService } from './org-settings.service';

@Module({
  controllers: [OrgSettingsGrpcController],
  providers: [OrgSettingsService],
  exports: [OrgSettingsService],
})
export class OrgSettingsModule {}
