import { machineLine } from '@confer/testing';

import { ComponentTiming } from './login-components';
import { LoadResult } from './login-load';

export interface LoginRow extends LoadResult {
  path: string;
  users: number;
}

export interface LoginReport {
  load: string;
  period: number;
  mailboxes: number;
  localUsers: number;
  durationSeconds: number;
  warmupSeconds: number;
  codeDurationSeconds: number;
  limits: Record<string, string>;
  components: ComponentTiming[];
  alone: LoginRow[];
  withCode: LoginRow[];
}

const CPU_COLUMNS = ['gateway', 'auth-2fa', 'mail-bridge', 'contacts', 'dovecot', 'load generator'];
/** Below this many operations the apps' idle work (relays, timers) would dominate a per-operation share. */
const CPU_MIN_OPERATIONS = 50;

export function loginMarkdown(r: LoginReport): string {
  const errors = (row: LoginRow) => {
    const entries = Object.entries(row.errors);

    return entries.length === 0 ? '0' : entries.map(([code, n]) => `${n} ${code}`).join('; ');
  };
  const aloneRows = r.alone.map(
    (row) =>
      `| ${row.path} | ${row.users} | ${row.concurrency} | ${row.completed} | **${row.perSecond}** | ` +
      `${row.total.p50} | ${row.total.p90} | **${row.total.p99}** | ${row.total.max} | ${errors(row)} | ${row.cpu.machineBusyPercent} % |`,
  );
  const codeRows = r.withCode.map(
    (row) =>
      `| ${row.path} | ${row.users} | ${row.concurrency} | ${row.completed} | **${row.perSecond}** | ` +
      `${row.total.p50} | **${row.total.p99}** | ${row.total.max} | ${row.parts.login?.p50 ?? '–'} | ` +
      `${row.parts.code?.p50 ?? '–'} | ${row.parts.me?.p50 ?? '–'} | ${errors(row)} | ${row.cpu.machineBusyPercent} % |`,
  );
  const cpuRows = [...r.alone, ...r.withCode]
    .filter((row) => row.completed >= CPU_MIN_OPERATIONS)
    .map(
      (row) =>
        `| ${row.path} | ${row.concurrency} | ` +
        CPU_COLUMNS.map((name) => row.cpu.perOperationMs[name] ?? '–').join(' | ') +
        ' |',
    );
  const componentRows = r.components.map((c) => `| ${c.name} | ${c.calls} | ${c.p50} | ${c.max} |`);
  const limits = Object.entries(r.limits)
    .map(([name, value]) => `\`${name}=${value}\``)
    .join(', ');

  return [
    '### Sign-in through the gateway (`npm run bench:login`)',
    '',
    `Measured ${machineLine()}; load average ${r.load} when it started (other builds and test ` +
      'stacks share these two cores; the machine-busy column counts everything running).',
    '',
    `Closed loop over HTTP from one process on loopback: each client sends its next request when ` +
      `the last is answered. Logins alone: ${r.warmupSeconds} s warm-up, then ${r.durationSeconds} s ` +
      `measured per concurrency. The test Dovecot has ${r.mailboxes} mailboxes, so mail-account ` +
      `logins are ${r.mailboxes} people signing in over and over, in parallel; the local-password ` +
      `organisation has ${r.localUsers} people. Every person then enrols in the second factor through ` +
      `the QR code and binding flow with a simulated app; a sign-in with a code is the password ` +
      `login (answering a session that owes its factor), \`POST /auth/2fa/challenge/code\`, and ` +
      `\`GET /me\` with the passed session's token, measured for ${r.codeDurationSeconds} s. ` +
      `A person passes at most one code per TOTP step (the stack runs with ` +
      `\`TWO_FACTOR_PERIOD_SECONDS=${r.period}\`), which caps sign-ins with a code at people ÷ ` +
      `${r.period} s. Attempt limits count failures only; the stack runs with ${limits} because ` +
      `every simulated person comes from 127.0.0.1 (per-account limits at their defaults). ` +
      `No refused answer was counted unless the errors column says so.`,
    '',
    '| login alone | people | concurrency | logins | logins/s | p50 ms | p90 ms | p99 ms | max ms | errors | machine busy |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...aloneRows,
    '',
    '| sign-in with a code | people | concurrency | sign-ins | per s | p50 ms | p99 ms | max ms | login p50 | code p50 | /me p50 | errors | machine busy |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...codeRows,
    '',
    'CPU milliseconds per login or sign-in, by process, over the measured window (Dovecot: its ' +
      'master, its live processes and the per-login ones it reaped, including any other test ' +
      `traffic it served meanwhile; runs of fewer than ${CPU_MIN_OPERATIONS} operations are left ` +
      "out, their share would be mostly the apps' idle work):",
    '',
    `| run | concurrency | ${CPU_COLUMNS.join(' | ')} |`,
    `| --- | --- | ${CPU_COLUMNS.map(() => '---').join(' | ')} |`,
    ...cpuRows,
    '',
    'The expensive steps alone, one at a time in the benchmark process, before the stack started:',
    '',
    '| step | calls | p50 ms | max ms |',
    '| --- | --- | --- | --- |',
    ...componentRows,
  ].join('\n');
}
