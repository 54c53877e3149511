import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import type { AppName } from '@confer/config';

import {
  appEnvironment,
  appPorts,
  S3Settings,
  STACK_APPS,
  stackPorts,
  StackSettings,
} from './app-environment';
import { AppProcess, LogTarget } from './app-process';
import { ServerAddresses } from './check-servers';
import { startLocalS3 } from './s3-server';
import { portIsFree, StackStartError, waitUntilReady } from './wait-ready';

export interface StartStackOptions extends ServerAddresses {
  /** The repository root: apps are run from `<rootDir>/apps/<app>/dist/main.js`. */
  rootDir: string;
  /** Database-name and NATS prefix (`confer` for the dev stack, unique per test run). */
  prefix: string;
  /** Added to every default port (0 for the dev stack: gateway on 3000). */
  portOffset: number;
  /** An S3 server to use; when absent, an s3rver is started on loopback under `stateDir`. */
  s3?: S3Settings;
  /** Where logs (`logs/<app>.log`) and the local S3 files go (default `<rootDir>/.confer`). */
  stateDir?: string;
  /** Write every app's JSON lines to this stream instead of one file per app. */
  logStream?: Writable;
  logLevel?: string;
  apps?: AppName[];
  /** How long all apps together may take to answer /health/ready. */
  readyTimeoutMs?: number;
  /** Settings added to (or overriding) one app's environment, e.g. the gateway's Keycloak realm. */
  appEnv?: Partial<Record<AppName, Record<string, string>>>;
}

export interface StackApp {
  httpUrl: string;
  grpcUrl?: string;
  logFile?: string;
  pid?: number;
}

export interface RunningStack {
  gatewayUrl: string;
  prefix: string;
  s3: S3Settings;
  logDir?: string;
  apps: Record<string, StackApp>;
  /** Sends SIGTERM to every app and waits for them (and the local S3) to stop. */
  stop(): Promise<void>;
  /** SIGKILLs one app, as a crash would. */
  kill(app: AppName): Promise<void>;
  /** Stops one app (gracefully) and starts it again; resolves when it is ready. */
  restart(app: AppName): Promise<void>;
}

/**
 * Starts every app of the platform from its built code against the given
 * servers and resolves once each answers /health/ready. On failure every app
 * started so far is stopped and the error shows the last log lines of the app
 * that did not come up.
 */
export async function startStack(options: StartStackOptions): Promise<RunningStack> {
  const apps = options.apps ?? STACK_APPS;
  const stateDir = options.stateDir ?? join(options.rootDir, '.confer');
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
  assertBuilt(options.rootDir, apps);
  await assertPortsFree(options.portOffset, apps);
  const localS3 = options.s3 ? undefined : await startLocalS3(join(stateDir, 's3'), 'confer-drive');
  const s3 = options.s3 ?? localS3!.settings;
  const logs: LogTarget = options.logStream
    ? { stream: options.logStream }
    : { dir: join(stateDir, 'logs') };
  if ('dir' in logs) {
    mkdirSync(logs.dir, { recursive: true });
  }
  const settings: StackSettings = { ...options, s3, logLevel: options.logLevel ?? 'info' };
  const processes = new Map(
    apps.map((app) => [
      app,
      new AppProcess(
        app,
        options.rootDir,
        { ...appEnvironment(app, settings), ...options.appEnv?.[app] },
        logs,
      ),
    ]),
  );
  const killAll = () => processes.forEach((child) => child.kill());
  process.once('exit', killAll);
  const stop = async () => {
    await Promise.all([...processes.values()].map((child) => child.stop()));
    process.removeListener('exit', killAll);
    await localS3?.close();
  };
  const readyUrl = (app: AppName) =>
    `http://127.0.0.1:${appPorts(app, options.portOffset).http}/health/ready`;
  const startAndWait = async (child: AppProcess, timeoutMs: number) => {
    child.start();
    const ready = await waitUntilReady(readyUrl(child.app), timeoutMs, () => !child.running);
    if (!ready) {
      const why = child.running ? `is not ready after ${timeoutMs} ms` : 'exited while starting';
      const where = child.logFile ? ` (log: ${child.logFile})` : '';
      throw new StackStartError(
        `${child.app} ${why}${where}; its last lines:`,
        child.app,
        child.lastLines(),
      );
    }
  };

  try {
    await Promise.all([...processes.values()].map((child) => startAndWait(child, readyTimeoutMs)));
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    gatewayUrl: `http://127.0.0.1:${appPorts('gateway', options.portOffset).http}`,
    prefix: options.prefix,
    s3,
    logDir: 'dir' in logs ? logs.dir : undefined,
    apps: Object.fromEntries(
      [...processes.values()].map((child) => [child.app, describeApp(child, options.portOffset)]),
    ),
    stop,
    kill: async (app) => {
      const child = processes.get(app);
      child?.kill();
      await child?.waitForExit();
    },
    restart: async (app) => {
      const child = processes.get(app);
      if (!child) {
        throw new StackStartError(`${app} is not part of this stack`, app);
      }
      await child.stop();
      await startAndWait(child, readyTimeoutMs);
    },
  };
}

function describeApp(child: AppProcess, portOffset: number): StackApp {
  const ports = appPorts(child.app, portOffset);

  return {
    httpUrl: `http://127.0.0.1:${ports.http}`,
    grpcUrl: ports.grpc === 0 ? undefined : `127.0.0.1:${ports.grpc}`,
    logFile: child.logFile,
    // A getter: a restarted app has a new process id.
    get pid() {
      return child.pid;
    },
  };
}

async function assertPortsFree(portOffset: number, apps: AppName[]): Promise<void> {
  const ports = stackPorts(portOffset, apps);
  const taken: number[] = [];
  for (const port of ports) {
    if (!(await portIsFree(port))) {
      taken.push(port);
    }
  }
  if (taken.length > 0) {
    throw new StackStartError(
      `ports ${taken.join(', ')} are already in use (another stack running?); ` +
        'stop it or choose another port offset',
    );
  }
}

function assertBuilt(rootDir: string, apps: AppName[]): void {
  const missing = apps.filter((app) => !existsSync(join(rootDir, 'apps', app, 'dist', 'main.js')));
  if (missing.length > 0) {
    throw new StackStartError(
      `not built: ${missing.map((app) => `apps/${app}/dist/main.js`).join(', ')}; run \`npm run build\``,
    );
  }
}
