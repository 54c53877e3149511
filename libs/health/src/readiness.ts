/** Something the app needs answering before it takes traffic: its database, NATS, Redis... */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  checks: Record<string, { status: 'up' | 'down'; error?: string }>;
}

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });

  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs every check at once, each bounded in time; ready only when all answer. */
export async function runReadinessChecks(checks: ReadinessCheck[]): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (check) => {
      try {
        await withTimeout(check.check(), CHECK_TIMEOUT_MS);

        return [check.name, { status: 'up' as const }] as const;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);

        return [check.name, { status: 'down' as const, error: message }] as const;
      }
    }),
  );
  const ready = results.every(([, result]) => result.status === 'up');

  return { status: ready ? 'ready' : 'not_ready', checks: Object.fromEntries(results) };
}
