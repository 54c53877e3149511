import { z } from 'zod';

import { countVar } from '@confer/config';

import { AttemptLimits } from './code-attempt-limiter';
import { parseSecretKeys, SecretKey } from './secret-cipher';

/**
 * The local development key: fine for a laptop, never for a deployment (anyone
 * reading this file could decrypt the secrets). Production sets its own keys.
 */
const DEVELOPMENT_KEYS = 'dev:Y29uZmVyLWRldmVsb3BtZW50LWtleS0zMi1ieXRlcyE=';

/** The second factor's variables, spread into the app's schema so all are checked together. */
export const twoFactorVariables = {
  TWO_FACTOR_PERIOD_SECONDS: countVar(30).pipe(z.number().min(15).max(120)),
  TWO_FACTOR_DRIFT_STEPS: z.coerce.number().int().min(0).max(3).default(1),
  TWO_FACTOR_SECRET_KEYS: z
    .string()
    .default(DEVELOPMENT_KEYS)
    .transform((text, context) => {
      const parsed = parseSecretKeys(text);
      if ('problems' in parsed) {
        for (const problem of parsed.problems) {
          context.addIssue({ code: 'custom', message: problem });
        }

        return z.NEVER;
      }

      return parsed.keys;
    }),
  TWO_FACTOR_ISSUER: z.string().min(1).max(64).default('Confer'),
  TWO_FACTOR_BINDING_TTL_SECONDS: countVar(600).pipe(z.number().max(3600)),
  TWO_FACTOR_APPROVAL_TTL_SECONDS: countVar(120).pipe(z.number().max(3600)),
  TWO_FACTOR_TRUSTED_DEVICE_DAYS: countVar(30).pipe(z.number().max(365)),
  /** Wrong codes for one account from one address before it is blocked. */
  TWO_FACTOR_ACCOUNT_IP_FAILURES: countVar(5),
  TWO_FACTOR_ACCOUNT_IP_WINDOW_SECONDS: countVar(15 * 60),
  TWO_FACTOR_ACCOUNT_IP_FIRST_BLOCK_SECONDS: countVar(30),
  TWO_FACTOR_ACCOUNT_IP_MAX_BLOCK_SECONDS: countVar(15 * 60),
  /** Wrong codes for one account from anywhere: anyone can cause it, so its blocks stay short. */
  TWO_FACTOR_ACCOUNT_FAILURES: countVar(20),
  TWO_FACTOR_ACCOUNT_WINDOW_SECONDS: countVar(60 * 60),
  TWO_FACTOR_ACCOUNT_FIRST_BLOCK_SECONDS: countVar(60),
  TWO_FACTOR_ACCOUNT_MAX_BLOCK_SECONDS: countVar(60 * 60),
  /** Wrong codes from one address, any account. */
  TWO_FACTOR_IP_FAILURES: countVar(50),
  TWO_FACTOR_IP_WINDOW_SECONDS: countVar(60 * 60),
  TWO_FACTOR_IP_FIRST_BLOCK_SECONDS: countVar(60),
  TWO_FACTOR_IP_MAX_BLOCK_SECONDS: countVar(60 * 60),
  /** How long past blocks are remembered to make the next one longer. */
  TWO_FACTOR_BLOCK_MEMORY_SECONDS: countVar(24 * 60 * 60),
  /** How long finished approvals, abandoned enrolments and dead trusted devices are kept. */
  TWO_FACTOR_KEEP_FINISHED_SECONDS: countVar(24 * 60 * 60),
  TWO_FACTOR_PRUNE_INTERVAL_SECONDS: countVar(60 * 60),
};

type TwoFactorEnv = z.output<z.ZodObject<typeof twoFactorVariables>>;

export interface TwoFactorConfig {
  /** Seconds per TOTP step: 30 (what authenticator apps assume) or 60. */
  periodSeconds: number;
  /** Steps accepted either side of now, for clock skew. */
  driftSteps: number;
  /** AES-256-GCM keys for TOTP secrets; the first encrypts, all decrypt. */
  secretKeys: SecretKey[];
  /** The issuer label authenticator apps show. */
  issuer: string;
  bindingTtlSeconds: number;
  approvalTtlSeconds: number;
  trustedDeviceDays: number;
  /** Failed-code limits, one rule per key (see CodeAttemptLimiter). */
  codeLimits: AttemptLimits;
  /** Approvals expired, enrolments unconfirmed, devices revoked or expired this long are deleted. */
  keepFinishedSeconds: number;
  pruneIntervalSeconds: number;
}

export function toTwoFactorConfig(vars: TwoFactorEnv): TwoFactorConfig {
  return {
    periodSeconds: vars.TWO_FACTOR_PERIOD_SECONDS,
    driftSteps: vars.TWO_FACTOR_DRIFT_STEPS,
    secretKeys: vars.TWO_FACTOR_SECRET_KEYS,
    issuer: vars.TWO_FACTOR_ISSUER,
    bindingTtlSeconds: vars.TWO_FACTOR_BINDING_TTL_SECONDS,
    approvalTtlSeconds: vars.TWO_FACTOR_APPROVAL_TTL_SECONDS,
    trustedDeviceDays: vars.TWO_FACTOR_TRUSTED_DEVICE_DAYS,
    codeLimits: {
      accountIp: {
        failures: vars.TWO_FACTOR_ACCOUNT_IP_FAILURES,
        windowSeconds: vars.TWO_FACTOR_ACCOUNT_IP_WINDOW_SECONDS,
        firstBlockSeconds: vars.TWO_FACTOR_ACCOUNT_IP_FIRST_BLOCK_SECONDS,
        maxBlockSeconds: vars.TWO_FACTOR_ACCOUNT_IP_MAX_BLOCK_SECONDS,
      },
      account: {
        failures: vars.TWO_FACTOR_ACCOUNT_FAILURES,
        windowSeconds: vars.TWO_FACTOR_ACCOUNT_WINDOW_SECONDS,
        firstBlockSeconds: vars.TWO_FACTOR_ACCOUNT_FIRST_BLOCK_SECONDS,
        maxBlockSeconds: vars.TWO_FACTOR_ACCOUNT_MAX_BLOCK_SECONDS,
      },
      ip: {
        failures: vars.TWO_FACTOR_IP_FAILURES,
        windowSeconds: vars.TWO_FACTOR_IP_WINDOW_SECONDS,
        firstBlockSeconds: vars.TWO_FACTOR_IP_FIRST_BLOCK_SECONDS,
        maxBlockSeconds: vars.TWO_FACTOR_IP_MAX_BLOCK_SECONDS,
      },
      blockMemorySeconds: vars.TWO_FACTOR_BLOCK_MEMORY_SECONDS,
    },
    keepFinishedSeconds: vars.TWO_FACTOR_KEEP_FINISHED_SECONDS,
    pruneIntervalSeconds: vars.TWO_FACTOR_PRUNE_INTERVAL_SECONDS,
  };
}
