import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { ClientGrpcProxy } from '@nestjs/microservices';

import { grpcClientOptions, ServiceClient, serviceClient } from '@confer/grpc';
import { contacts } from '@confer/proto';

import { freePort } from './start-auth';

const ROOT = join(__dirname, '..', '..', '..');
const MAIN = join(ROOT, 'apps', 'contacts', 'dist', 'main.js');

export interface ContactsProcess {
  grpcUrl: string;
  client: ServiceClient<contacts.ContactsServiceClient>;
  stop(): Promise<void>;
}

/**
 * The real contacts app, run from its build as its own process (apps never
 * import apps), on free ports, ready when its readiness endpoint says so.
 */
export async function startContactsProcess(env: Record<string, string>): Promise<ContactsProcess> {
  if (!existsSync(MAIN)) {
    throw new Error(`${MAIN} is missing: build it first with npx tsc -b apps/contacts`);
  }
  const grpcPort = await freePort();
  const httpPort = await freePort();
  const child = spawn(process.execPath, [MAIN], {
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
  await waitUntilReady(child, `http://127.0.0.1:${httpPort}/health/ready`, () => stderr);
  const grpcUrl = `127.0.0.1:${grpcPort}`;
  const proxy = new ClientGrpcProxy(grpcClientOptions('contacts', grpcUrl).options);

  return {
    grpcUrl,
    client: serviceClient<contacts.ContactsServiceClient>(proxy, 'contacts'),
    stop: async () => {
      proxy.close();
      await stopChild(child);
    },
  };
}

async function waitUntilReady(child: ChildProcess, url: string, stderr: () => string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`contacts exited with ${child.exitCode}: ${stderr()}`);
    }
    const ready = await fetch(url)
      .then((response) => response.ok)
      .catch(() => false);
    if (ready) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stopChild(child);
  throw new Error(`contacts was not ready within 30 s: ${stderr()}`);
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
