import { DynamicModule, Module } from '@nestjs/common';
import Redis from 'ioredis';

import { REDIS } from '@confer/redis';

import { SessionsModule } from '../sessions/sessions.module';
import { SessionsService } from '../sessions/sessions.service';
import { TrustedDevicesService } from '../trusted-devices/trusted-devices.service';
import { ApprovalSignals } from './approval-signals';
import { ApprovalsService } from './approvals.service';
import { CodeAttemptLimiter, codeAttemptRules } from './code-attempt-limiter';
import { CodeCheckService } from './code-check.service';
import { EnrolmentService } from './enrolment.service';
import { OrgPolicyService } from './org-policy.service';
import { SECOND_FACTOR_SESSIONS } from './second-factor-sessions';
import { SecretCipher } from './secret-cipher';
import { SecretResealer } from './secret-resealer';
import { TwoFactorPruner } from './two-factor-pruner';
import { SignInService } from './sign-in.service';
import { TwoFactorConfig } from './two-factor.config';
import { TwoFactorGrpcController } from './two-factor.grpc.controller';
import { TWO_FACTOR_SETTINGS } from './two-factor.settings';

/**
 * The second factor (TOTP with an app bound by QR code, push approvals on that
 * app, trusted devices) and TwoFactorService. DecideSignIn is what login asks.
 */
@Module({})
export class TwoFactorModule {
  static forRoot(config: TwoFactorConfig, natsPrefix: string): DynamicModule {
    const { secretKeys, ...settings } = config;

    return {
      module: TwoFactorModule,
      // Login asks SignInService what a new session owes.
      global: true,
      imports: [SessionsModule],
      controllers: [TwoFactorGrpcController],
      providers: [
        { provide: TWO_FACTOR_SETTINGS, useValue: settings },
        { provide: SecretCipher, useValue: new SecretCipher(secretKeys) },
        {
          provide: CodeAttemptLimiter,
          inject: [REDIS],
          useFactory: (redis: Redis) =>
            new CodeAttemptLimiter(
              redis,
              codeAttemptRules(settings.codeLimits),
              settings.codeLimits.blockMemorySeconds,
              // Stacks sharing one Redis (tests, a dev stack) keep their counts apart.
              `confer:${natsPrefix}`,
            ),
        },
        { provide: SECOND_FACTOR_SESSIONS, useExisting: SessionsService },
        OrgPolicyService,
        CodeCheckService,
        EnrolmentService,
        ApprovalSignals,
        ApprovalsService,
        SignInService,
        TrustedDevicesService,
        SecretResealer,
        TwoFactorPruner,
      ],
      exports: [SignInService],
    };
  }
}
