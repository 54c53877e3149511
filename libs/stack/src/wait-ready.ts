import { createServer } from 'node:net';

/** Why an app did not come up, with what it last wrote. */
export class StackStartError extends Error {
  constructor(
    message: string,
    readonly app?: string,
    readonly lastLines: string[] = [],
  ) {
    super(lastLines.length > 0 ? `${message}\n  ${lastLines.join('\n  ')}` : message);
    this.name = 'StackStartError';
  }
}

/**
 * Polls an app's /health/ready until it answers 200. Stops early when
 * `failed()` says the app already exited.
 */
export async function waitUntilReady(
  url: string,
  timeoutMs: number,
  failed: () => boolean,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !failed()) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) {
        return true;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  return false;
}

/** Whether nothing listens on a loopback port (so an app can bind it). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}
