import { DynamicModule, Module } from '@nestjs/common';

import { GrpcClientModule } from '@confer/grpc';

import { GatewayConfig } from '../config';
import { TWO_FACTOR, TwoFactorHttpController } from './two-factor.http.controller';

/** The second factor over HTTP, on a channel of its own to auth-2fa's TwoFactorService. */
@Module({})
export class TwoFactorHttpModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: TwoFactorHttpModule,
      imports: [
        GrpcClientModule.forRoot({
          service: 'twoFactor',
          url: config.grpc.auth,
          token: TWO_FACTOR,
        }),
      ],
      controllers: [TwoFactorHttpController],
    };
  }
}
