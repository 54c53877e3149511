import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  DemoSeed,
  findFreePortOffset,
  removeStackData,
  RunningStack,
  seedDemo,
  StackApp,
  startStack,
  StartStackOptions,
} from '@confer/stack';
import { testServers, uniqueToken } from '@confer/testing';

export const REPO_ROOT = join(__dirname, '..', '..');
const SHARED_STACK_FILE = join(REPO_ROOT, '.confer', 'e2e', 'stack.json');

/** What a spec needs to drive a running stack. */
export interface E2eStack {
  gatewayUrl: string;
  prefix: string;
  apps: Record<string, StackApp>;
  seed: DemoSeed;
  /** Present only on a stack this process started: stop, crash or restart apps. */
  control?: RunningStack;
}

/**
 * Starts the whole platform for one test run: unique database and NATS
 * prefix, a free port offset, logs under .confer/e2e/<prefix>/logs, the demo
 * organisation seeded. `stop()` stops the apps and removes the run's
 * databases and streams.
 */
export async function startE2eStack(
  options: Pick<StartStackOptions, 'appEnv'> = {},
): Promise<E2eStack & { stop(): Promise<void> }> {
  const servers = testServers();
  const prefix = uniqueToken('e2e');
  const stateDir = join(REPO_ROOT, '.confer', 'e2e', prefix);
  const control = await startStack({
    ...servers,
    rootDir: REPO_ROOT,
    prefix,
    portOffset: await findFreePortOffset(),
    stateDir,
    logLevel: 'debug',
    appEnv: options.appEnv,
  });
  const stop = async () => {
    await control.stop();
    await removeStackData(servers, prefix);
    rmSync(join(stateDir, 's3'), { recursive: true, force: true });
  };
  try {
    const seed = await seedDemo({
      contactsGrpcUrl: control.apps.contacts.grpcUrl!,
      authGrpcUrl: control.apps['auth-2fa'].grpcUrl!,
      messagingGrpcUrl: control.apps.messaging.grpcUrl!,
      discussionGrpcUrl: control.apps.discussion.grpcUrl!,
      prefix,
    });

    return { gatewayUrl: control.gatewayUrl, prefix, apps: control.apps, seed, control, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Where a stack started once for the whole run (by the global setup) is
 * described for the spec files, which Jest runs in other module registries
 * or worker processes.
 */
export function publishSharedStack(stack: E2eStack): void {
  mkdirSync(join(SHARED_STACK_FILE, '..'), { recursive: true });
  const { control: _control, ...described } = stack;
  writeFileSync(SHARED_STACK_FILE, JSON.stringify({ ...described, ownerPid: process.pid }));
}

export function unpublishSharedStack(): void {
  rmSync(SHARED_STACK_FILE, { force: true });
}

/** The stack the global setup of this run started, if there is one (never a stale file). */
export function sharedStack(): E2eStack | undefined {
  if (!existsSync(SHARED_STACK_FILE)) {
    return undefined;
  }
  const shared = JSON.parse(readFileSync(SHARED_STACK_FILE, 'utf8')) as E2eStack & {
    ownerPid: number;
  };
  // In band the specs run in the process that ran the global setup; otherwise in its workers.
  const ours = shared.ownerPid === process.pid || shared.ownerPid === process.ppid;

  return ours ? shared : undefined;
}

/**
 * Gives a spec file a running stack: the run's shared one when the global
 * setup started it, otherwise one of its own for this file, stopped after it.
 * Specs that crash or restart apps ask for their own (`{ own: true }`) so
 * they never disturb others.
 */
export function useStack(
  options: {
    own?: boolean;
    /** For a stack of its own: settings added to apps' environments, read when it starts. */
    appEnv?: () => StartStackOptions['appEnv'];
  } = {},
): () => E2eStack {
  let current: E2eStack | undefined;
  let stopOwn: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    current = options.own ? undefined : sharedStack();
    if (!current) {
      const started = await startE2eStack({ appEnv: options.appEnv?.() });
      current = started;
      stopOwn = started.stop;
    }
  }, 180_000);

  afterAll(async () => {
    await stopOwn?.();
  }, 60_000);

  return () => {
    if (!current) {
      throw new Error('the stack is not started: call the returned function inside a test');
    }

    return current;
  };
}
