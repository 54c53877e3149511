import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, WriteStream } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import type { AppName } from '@confer/config';

/**
 * Loaded into every app before its own code: when the parent (launcher or
 * test run) dies, even by SIGKILL, the IPC channel closes and the app shuts
 * itself down, so no app outlives the process that started it. The channel
 * is unref'd so it never keeps an app alive on its own.
 */
const PARENT_WATCH =
  'if (process.channel) { process.channel.unref(); ' +
  "process.on('disconnect', () => process.kill(process.pid, 'SIGTERM')); }";

/** Where an app's log lines go: a file per app, or one shared (pretty-printing) stream. */
export type LogTarget = { dir: string } | { stream: Writable };

const TAIL_LINES = 40;

/** One app of the stack, run as `node apps/<app>/dist/main.js` in a child process. */
export class AppProcess {
  private child?: ChildProcess;
  private exited?: Promise<number | null>;
  private file?: WriteStream;
  private readonly tail: string[] = [];

  constructor(
    readonly app: AppName,
    private readonly rootDir: string,
    private readonly env: Record<string, string>,
    private readonly logs: LogTarget,
  ) {}

  get logFile(): string | undefined {
    return 'dir' in this.logs ? join(this.logs.dir, `${this.app}.log`) : undefined;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  start(): void {
    if (this.running) {
      return;
    }
    const main = join(this.rootDir, 'apps', this.app, 'dist', 'main.js');
    const child = spawn(
      process.execPath,
      ['--import', `data:text/javascript,${encodeURIComponent(PARENT_WATCH)}`, main],
      {
        cwd: this.rootDir,
        // The parent's own variables (PATH, HOME, NODE_OPTIONS) pass through;
        // the stack's settings win over anything set in the parent's shell.
        env: { ...process.env, ...this.env },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      },
    );
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const sink = this.sink();
    for (const output of [child.stdout, child.stderr]) {
      // Whole lines only: several apps may share one stream, and a JSON line
      // split between two writes would interleave with another app's.
      let partial = '';
      output?.setEncoding('utf8');
      output?.on('data', (text: string) => {
        const lines = (partial + text).split('\n');
        partial = lines.pop() ?? '';
        if (lines.length > 0) {
          this.remember(lines);
          sink.write(`${lines.join('\n')}\n`);
        }
      });
    }
  }

  /** Asks the app to stop (SIGTERM: it drains and closes) and waits, then forces it. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.running) {
      return this.closeLog();
    }
    this.child?.kill('SIGTERM');
    const stopped = await Promise.race([
      this.exited!.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(resolve, graceMs, false).unref()),
    ]);
    if (!stopped) {
      this.kill();
      await this.exited;
    }
    await this.closeLog();
  }

  /** Ends the app at once (SIGKILL), as a crash would. */
  kill(): void {
    if (this.running) {
      this.child?.kill('SIGKILL');
    }
  }

  /** Resolves when the app exits, with its exit code (null when a signal ended it). */
  waitForExit(): Promise<number | null> {
    return this.exited ?? Promise.resolve(null);
  }

  /** The last lines the app wrote, for saying why it did not come up. */
  lastLines(): string[] {
    return [...this.tail];
  }

  private sink(): Writable {
    if ('stream' in this.logs) {
      return this.logs.stream;
    }
    if (!this.file) {
      this.file = createWriteStream(this.logFile!, { flags: 'a' });
    }

    return this.file;
  }

  private remember(lines: string[]): void {
    for (const line of lines) {
      if (line.trim() !== '') {
        this.tail.push(line);
      }
    }
    this.tail.splice(0, Math.max(0, this.tail.length - TAIL_LINES));
  }

  private closeLog(): Promise<void> {
    const file = this.file;
    this.file = undefined;

    return new Promise((resolve) => (file ? file.end(resolve) : resolve()));
  }
}
