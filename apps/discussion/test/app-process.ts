import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

export interface AppProcess {
  grpcUrl: string;
  stop(): Promise<void>;
}

/** A free loopback port, found by letting the kernel pick one. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Another app, run from its build as its own process (apps never import
 * apps), on free ports; resolves once its readiness endpoint answers 200.
 */
export async function startAppProcess(
  app: string,
  env: Record<string, string>,
): Promise<AppProcess> {
  const main = join(ROOT, 'apps', app, 'dist', 'main.js');
  if (!existsSync(main)) {
    throw new Error(`${main} is missing: build it first with npx tsc -b apps/${app}`);
  }
  const grpcPort = await freePort();
  const httpPort = await freePort();
  const child = spawn(process.execPath, [main], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      LOG_LEVEL: 'warn',
      GRPC_PORT: String(grpcPort),
      HTTP_PORT: String(httpPort),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const deadline = Date.now() + 30_000;
  const readyUrl = `http://127.0.0.1:${httpPort}/health/ready`;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`${app} exited with ${child.exitCode}: ${stderr}`);
    }
    if (
      await fetch(readyUrl).then(
        (response) => response.ok,
        () => false,
      )
    ) {
      break;
    }
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`${app} was not ready within 30 s: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  return { grpcUrl: `127.0.0.1:${grpcPort}`, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) {
    return Promise.resolve();
  }

  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
