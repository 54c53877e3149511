import { Module } from '@nestjs/common';

import { ScimGroupsService } from './groups/scim-groups.service';
import { ScimGrpcController } from './scim.grpc.controller';
import { ScimTokensService } from './tokens/scim-tokens.service';
import { ScimUsersService } from './users/scim-users.service';

/** SCIM 2.0 provisioning of people and departments, and the tokens that authorise it. */
@Module({
  controllers: [ScimGrpcController],
  providers: [ScimTokensService, ScimUsersService, ScimGroupsService],
})
export class ScimModule {}
