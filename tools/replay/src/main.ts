#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

import { DEMO_ADMIN, DEMO_PASSWORD } from '@confer/stack';

import { replayLog, ReplayReport } from './replay';

const USAGE = `Usage: npm run replay -- [options] FILE

Replays an IRC channel log through a running Confer gateway: one user per
speaker, one group chat per log, every speaker's devices connected over the
WebSocket, each line sent from its speaker's connection. Reports sent,
delivered, duplicated, out-of-order and missing deliveries per device, and
checks every member's final unread count.

Options:
  --gateway URL         gateway base URL (default http://127.0.0.1:3000)
  --admin-email ADDR    an org administrator who may create users
                        (default: the demo organisation's administrator)
  --admin-password PW   that administrator's password (default: the demo password)
  --speed N|max         log minutes per real minute, or max (default 1: the log's pace)
  --devices N           devices per speaker (default 1)
  --window N            sends in flight at once (default 64)
  --json                print the whole report as JSON
  -h, --help            this text

Exit status: 0 when nothing was lost, doubled or misordered and every unread
count is right; 1 otherwise; 2 on bad usage.
`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      gateway: { type: 'string', default: 'http://127.0.0.1:3000' },
      'admin-email': { type: 'string', default: DEMO_ADMIN.email },
      'admin-password': { type: 'string', default: DEMO_PASSWORD },
      speed: { type: 'string', default: '1' },
      devices: { type: 'string', default: '1' },
      window: { type: 'string', default: '64' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || positionals.length !== 1) {
    process.stdout.write(USAGE);

    return values.help ? 0 : 2;
  }
  const speed = values.speed === 'max' ? 'max' : Number(values.speed);
  const devices = Number(values.devices);
  const window = Number(values.window);
  if ((speed !== 'max' && !(speed > 0)) || !(devices >= 1) || !(window >= 1)) {
    process.stderr.write('--speed must be a positive number or max; --devices and --window at least 1\n');

    return 2;
  }
  const file = positionals[0];
  const report = await replayLog({
    gatewayUrl: values.gateway!,
    adminEmail: values['admin-email']!,
    adminPassword: values['admin-password']!,
    logName: basename(file),
    logText: readFileSync(file, 'utf8'),
    speed,
    devicesPerPerson: devices,
    window,
    onProgress: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : summary(report));

  return report.ok ? 0 : 1;
}

function summary(report: ReplayReport): string {
  const t = report.totals;
  const lines = [
    `log ${report.log} → conversation ${report.conversationId}`,
    `${report.people} people, ${report.devices} devices, ${(report.durationMs / 1000).toFixed(1)} s`,
    `sent ${report.sent}, acknowledged ${report.acknowledged}, failed ${report.failed}, empty lines skipped ${report.skippedEmpty}, last seq ${report.lastSeq}`,
    `deliveries: expected ${t.expected}, delivered ${t.delivered}, duplicated ${t.duplicated}, out of order ${t.outOfOrder}, missing ${t.missing}, unexpected ${t.unexpected}`,
    `unread counts: ${report.unread.checked} checked, ${report.unread.mismatched.length} wrong`,
  ];
  const troubled = report.perDevice.filter(
    (row) => row.duplicated + row.outOfOrder + row.missing + row.unexpected > 0,
  );
  for (const row of troubled.slice(0, 20)) {
    lines.push(
      `  ${row.person}#${row.device}: expected ${row.expected}, delivered ${row.delivered}, duplicated ${row.duplicated}, out of order ${row.outOfOrder}, missing ${row.missing}, unexpected ${row.unexpected}`,
    );
  }
  for (const miss of report.unread.mismatched.slice(0, 20)) {
    lines.push(`  unread for ${miss.person}: expected ${miss.expected}, found ${miss.actual}`);
  }
  lines.push(report.ok ? 'OK: no loss, duplicates or misorder' : 'FAILED');

  return `${lines.join('\n')}\n`;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`replay failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
