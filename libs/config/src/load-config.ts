import { z } from 'zod';

/** Every problem found in the environment at once, so an operator fixes them in one go. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates the environment against a schema keyed by variable names and
 * returns the typed result. This is the only place an app reads process.env.
 */
export function loadConfig<S extends z.ZodTypeAny>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.output<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }

  return result.data;
}

/** A TCP port number variable with a default. */
export const portVar = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** A positive whole number variable with a default. */
export const countVar = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** A boolean variable written as true/false/1/0 with a default. */
export const flagVar = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1');

/** A URL variable restricted to the given schemes, with a default. */
export const urlVar = (fallback: string, schemes: string[]) =>
  z
    .string()
    .default(fallback)
    .refine((value) => {
      try {
        return schemes.includes(new URL(value).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    }, `must be a URL with scheme ${schemes.join(' or ')}`);

/** host:port, as gRPC clients take it. */
export const hostPortVar = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((value) => /^[^\s:]+:\d{1,5}$/.test(value), 'must be host:port');
