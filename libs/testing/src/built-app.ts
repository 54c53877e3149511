import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { AppName } from '@confer/config';

import { freePort } from './free-port';

const ROOT = join(__dirname, '..', '..', '..');
const READY_WITHIN_MS = 30_000;

export interface BuiltAppProcess {
  grpcUrl: string;
  httpUrl: string;
  stop(): Promise<void>;
}

/**
 * Another app, run from its build as its own process (apps never import
 * apps), on free ports; resolves once its readiness endpoint answers 200.
 * Only PATH and the given variables reach it, so the test decides its servers.
 */
export async function spawnBuiltApp(
  app: AppName,
  env: Record<string, string>,
): Promise<BuiltAppProcess> {
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
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  await waitUntilReady(app, child, `${httpUrl}/health/ready`, () => stderr);

  return { grpcUrl: `127.0.0.1:${grpcPort}`, httpUrl, stop: () => stopChild(child) };
}

async function waitUntilReady(
  app: string,
  child: ChildProcess,
  url: string,
  stderr: () => string,
): Promise<void> {
  const deadline = Date.now() + READY_WITHIN_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${app} exited with ${child.exitCode}: ${stderr()}`);
    }
    const ready = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stopChild(child);
  throw new Error(`${app} was not ready within ${READY_WITHIN_MS / 1000} s: ${stderr()}`);
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
