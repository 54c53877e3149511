import { DemoSeed, describeSeedFailure } from '@confer/stack';

/**
 * Runs the demo seeding; when it fails, says so in one line with the error's
 * code and resolves undefined instead of failing the start. The platform
 * works without the demo data, so the apps keep running: stopping them would
 * turn an incomplete demo into no platform at all. The next start seeds
 * again and finishes what this one did not.
 */
export async function seedOrWarn(
  seed: () => Promise<DemoSeed>,
  warn: (line: string) => void,
): Promise<DemoSeed | undefined> {
  try {
    return await seed();
  } catch (error) {
    warn(
      `Warning: the demo organisation was not seeded (${describeSeedFailure(error)}); ` +
        'Confer is running without the complete demo data, and the next npm start seeds again.',
    );

    return undefined;
  }
}
