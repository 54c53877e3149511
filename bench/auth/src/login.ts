#!/usr/bin/env node
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { findFreePortOffset, removeStackData, RunningStack, startStack } from '@confer/stack';
import { testMailServer, writeSection } from '@confer/testing';

import { GatewayApi } from './login-api';
import { timeComponents } from './login-components';
import { closedLoop, CpuProbe, LoadResult } from './login-load';
import {
  createPopulation,
  enrol,
  inParallel,
  Person,
  Population,
  signInWithCode,
  sleep,
} from './login-population';
import { LoginReport, loginMarkdown } from './login-report';

const USAGE = `Usage: npm run bench:login -- [options]

Measures sign-in through the gateway on this machine. Starts its own stack
from the built apps (run \`npm run build\` first; separate databases, NATS
prefix and ports), with the test Dovecot (scripts/servers/dovecot.sh ensure)
as the mail server of one organisation, set through the admin API. Measures
(a) mail-account login, (c) local-password login, each alone at several
concurrencies, then enrols every person in the second factor through the QR
code and binding flow with a simulated app and measures (b) login + TOTP code
until the passed session's token works on GET /me. Removes the stack's data
afterwards.

Options:
  --concurrency LIST   closed-loop clients for the logins alone (default 1,4,8)
  --users N            people with local passwords (default 200)
  --duration S         measured seconds per concurrency (default 15)
  --warmup S           unmeasured seconds before each (default 3)
  --code-duration S    measured seconds of each login + code run (default 90)
  --code-concurrency N clients for local login + code (default 8)
  --period S           the stack's TOTP step, 15 to 120 (default 15): each
                       person can pass one code per step
  --no-write           do not update docs/benchmarks.md
`;

const ROOT = join(__dirname, '..', '..', '..');
const RESULTS = join(ROOT, 'docs', 'benchmarks.md');
const DOVECOT_PID_FILE = '/var/lib/confer-test/dovecot/run/master.pid';
/**
 * Attempt limits for the benchmark stack, set through auth-2fa's documented
 * variables. They count failures only, but every simulated person signs in
 * from 127.0.0.1: the per-address limits are raised so one stray failure
 * cannot hold up the run. Per-account limits stay at their defaults.
 */
export const BENCH_LIMITS = {
  LOGIN_FREE_ATTEMPTS_PER_IP: '1000000',
  TWO_FACTOR_IP_FAILURES: '1000000',
};

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      concurrency: { type: 'string', default: '1,4,8' },
      users: { type: 'string', default: '200' },
      duration: { type: 'string', default: '15' },
      warmup: { type: 'string', default: '3' },
      'code-duration': { type: 'string', default: '90' },
      'code-concurrency': { type: 'string', default: '8' },
      period: { type: 'string', default: '15' },
      'no-write': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);

    return 0;
  }
  const levels = values.concurrency!.split(',').map((text) => positive(text, 'concurrency'));
  const users = positive(values.users, 'users');
  const durationMs = positive(values.duration, 'duration') * 1000;
  const warmupMs = positive(values.warmup, 'warmup') * 1000;
  const codeDurationMs = positive(values['code-duration'], 'code-duration') * 1000;
  const codeConcurrency = positive(values['code-concurrency'], 'code-concurrency');
  const period = positive(values.period, 'period');
  if (period < 15 || period > 120) {
    throw new Error('--period must be 15 to 120 seconds, as auth-2fa accepts');
  }
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  const mail = testMailServer();
  const servers = {
    postgresUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
    natsUrl: 'nats://127.0.0.1:4222',
    redisUrl: 'redis://127.0.0.1:6379',
  };
  const load = loadavg()[0].toFixed(1);
  progress('timing IMAP LOGIN, scrypt and RS256 signing alone');
  const components = await timeComponents(mail);

  progress('starting a benchmark stack');
  const stack: RunningStack = await startStack({
    ...servers,
    rootDir: ROOT,
    prefix: `benchlogin${Date.now().toString(36)}`,
    portOffset: await findFreePortOffset(),
    stateDir: join(ROOT, '.confer', 'bench-login'),
    logLevel: 'warn',
    appEnv: {
      'auth-2fa': { ...BENCH_LIMITS, TWO_FACTOR_PERIOD_SECONDS: String(period) },
    },
  });
  try {
    const api = new GatewayApi(stack.gatewayUrl);
    const cpu = new CpuProbe(
      Object.fromEntries(
        ['gateway', 'auth-2fa', 'mail-bridge', 'contacts'].map((app) => [
          app,
          stack.apps[app].pid!,
        ]),
      ),
      dovecotPid(),
    );
    progress(`creating ${Object.keys(mail.accounts).length} mail users and ${users} local users`);
    const people: Population = await createPopulation(
      api,
      {
        contactsGrpcUrl: stack.apps.contacts.grpcUrl!,
        authGrpcUrl: stack.apps['auth-2fa'].grpcUrl!,
      },
      mail,
      users,
      randomBytes(3).toString('hex'),
    );

    const loginAlone = async (path: string, group: Person[], concurrency: number) => {
      let next = 0;
      const result = await closedLoop({
        concurrency,
        warmupMs,
        durationMs,
        cpu,
        next: async () => group[next++ % group.length],
        run: async (person) => {
          const grant = await api.login(person.email, person.password, 'bench laptop');
          if (grant.secondFactor !== 'not_required') {
            throw new Error(`login of ${person.email} owes ${grant.secondFactor}`);
          }

          return {};
        },
      });
      progress(`${path} at ${concurrency}: ${result.perSecond}/s, p50 ${result.total.p50} ms`);

      return { path, users: group.length, ...result };
    };
    const alone: LoginReport['alone'] = [];
    for (const concurrency of levels) {
      alone.push(await loginAlone('mail account (IMAP)', people.mail, concurrency));
    }
    for (const concurrency of levels) {
      alone.push(await loginAlone('local password (scrypt)', people.local, concurrency));
    }

    progress('enrolling everyone in the second factor');
    await inParallel(people.mail.length, people.mail.length, (index) =>
      enrol(api, people.mail[index]),
    );
    await inParallel(people.local.length, 4, (index) => enrol(api, people.local[index]));

    const withCode: LoginReport['withCode'] = [];
    for (const [path, group, concurrency] of [
      ['mail account + code', people.mail, people.mail.length],
      ['local password + code', people.local, codeConcurrency],
    ] as const) {
      const result = await codeRun(api, cpu, group, concurrency, codeDurationMs);
      progress(`${path}: ${result.perSecond}/s, p50 ${result.total.p50} ms`);
      withCode.push({ path, users: group.length, ...result });
    }

    const report: LoginReport = {
      load,
      period,
      mailboxes: people.mail.length,
      localUsers: people.local.length,
      durationSeconds: durationMs / 1000,
      warmupSeconds: warmupMs / 1000,
      codeDurationSeconds: codeDurationMs / 1000,
      limits: BENCH_LIMITS,
      components,
      alone,
      withCode,
    };
    const markdown = loginMarkdown(report);
    process.stdout.write(`${markdown}\n`);
    if (!values['no-write']) {
      writeSection(RESULTS, 'bench:login', markdown);
    }
    const failed = [...alone, ...withCode].some((row) => Object.keys(row.errors).length > 0);

    return failed ? 1 : 0;
  } finally {
    await stack.stop();
    await removeStackData(servers, stack.prefix);
  }
}

/**
 * Full sign-ins with a code: each person passes at most one code per time
 * step (the server takes a step once), so a client picks someone whose current
 * step is unspent, or waits for the next step; the wait is not timed.
 */
async function codeRun(
  api: GatewayApi,
  cpu: CpuProbe,
  group: Person[],
  concurrency: number,
  durationMs: number,
): Promise<LoadResult> {
  const idle = [...group];
  const end = Date.now() + durationMs + 5_000;

  return closedLoop<{ person: Person; code: string }>({
    concurrency,
    warmupMs: 2_000,
    durationMs,
    cpu,
    next: async () => {
      while (Date.now() < end) {
        const now = Date.now();
        const index = idle.findIndex((person) => person.app!.stepAt(now) > person.app!.lastStep);
        if (index >= 0) {
          const [person] = idle.splice(index, 1);

          return { person, code: person.app!.takeCurrentCode(now)! };
        }
        await sleep(idle.length > 0 ? idle[0].app!.msToNextStep(now) + 20 : 20);
      }

      return undefined;
    },
    run: ({ person, code }) => signInWithCode(api, person, code),
    release: ({ person }) => idle.push(person),
  });
}

function dovecotPid(): number | undefined {
  try {
    return Number(readFileSync(DOVECOT_PID_FILE, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

function positive(text: string | undefined, name: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`--${name} must be a positive whole number`);
  }

  return value;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(2);
  },
);
