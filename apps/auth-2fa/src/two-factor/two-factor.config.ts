import { z } from 'zod';

import { countVar } from '@confer/config';

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
  };
}
