import { Module } from '@nestjs/common';

import { ScimTokensHttpController } from './scim-tokens.http.controller';
import { ScimHttpController } from './scim.http.controller';

/** SCIM 2.0 at /scim/v2, and its tokens under /api/v1/admin/scim/tokens. */
@Module({
  controllers: [ScimHttpController, ScimTokensHttpController],
})
export class ScimModule {}
