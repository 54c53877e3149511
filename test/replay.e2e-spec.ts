import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { DEMO_ADMIN, DEMO_PASSWORD } from '@confer/stack';

import { REPO_ROOT, useStack } from './support';

const REPLAY_MAIN = join(REPO_ROOT, 'tools', 'replay', 'dist', 'main.js');
const LOG = join(REPO_ROOT, 'tools', 'replay', 'fixtures', 'ubuntu-irc-2005-08-08_01.log');
/** The replay itself takes well under a minute here; the rest is headroom on a busy machine. */
const REPLAY_TIMEOUT_MS = 240_000;

interface Totals {
  expected: number;
  delivered: number;
  duplicated: number;
  outOfOrder: number;
  missing: number;
  unexpected: number;
}

interface ReplayReport {
  people: number;
  devices: number;
  sent: number;
  acknowledged: number;
  failed: number;
  lastSeq: number;
  totals: Totals;
  unread: { checked: number; mismatched: unknown[] };
  ok: boolean;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runReplay(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [REPLAY_MAIN, ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), REPLAY_TIMEOUT_MS - 10_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('replay of a real chat log through the gateway', () => {
  const stack = useStack();
  let run: Run;
  let report: ReplayReport;

  beforeAll(async () => {
    run = await runReplay([
      '--gateway',
      stack().gatewayUrl,
      '--speed',
      'max',
      '--json',
      '--admin-email',
      DEMO_ADMIN.email,
      '--admin-password',
      DEMO_PASSWORD,
      LOG,
    ]);
    try {
      report = JSON.parse(run.stdout) as ReplayReport;
    } catch {
      throw new Error(`the replay printed no JSON report (exit ${run.code}): ${run.stderr}`);
    }
  }, REPLAY_TIMEOUT_MS);

  it('acknowledges every send', () => {
    expect(report.sent).toBeGreaterThan(500);
    expect({ acknowledged: report.acknowledged, failed: report.failed }).toEqual({
      acknowledged: report.sent,
      failed: 0,
    });
    expect(report.lastSeq).toBe(report.sent);
  });

  it('delivers every message to every member device once and in order', () => {
    expect(report.totals.expected).toBeGreaterThan(0);
    expect(report.totals).toMatchObject({
      delivered: report.totals.expected,
      missing: 0,
      duplicated: 0,
      outOfOrder: 0,
      unexpected: 0,
    });
  });

  it("leaves every member's unread count right", () => {
    expect(report.unread.checked).toBeGreaterThan(0);
    expect(report.unread.mismatched).toEqual([]);
  });

  it('exits with status 0 and reports ok', () => {
    expect({ code: run.code, ok: report.ok }).toEqual({ code: 0, ok: true });
  });
});
