import { Module } from '@nestjs/common';

import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import { TokenIssuerService } from './token-issuer.service';

@Module({
  imports: [SigningKeysModule],
  providers: [TokenIssuerService],
  exports: [TokenIssuerService],
})
export class TokensModule {}
