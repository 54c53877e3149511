#!/usr/bin/env node
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import {
  DEMO_ADMIN,
  DEMO_PASSWORD,
  findFreePortOffset,
  removeStackData,
  RunningStack,
  seedDemo,
  startStack,
} from '@confer/stack';
import { machineLine, writeSection } from '@confer/testing';

import { IdleReport, mib, runIdle } from './idle';
import { LoadReport, runLoad } from './load';

const USAGE = `Usage: npm run bench:chat -- [options]

Measures live chat on this machine. Without --gateway it builds nothing but
starts its own stack from the built apps (separate databases, NATS prefix and
ports), seeds the demo organisation, runs, and stops it.

Modes (default: both):
  --mode load   open-model load: K users in groups, messages due at a fixed
                rate over WebSockets, latency from due time to arrival on
                every recipient device (HDR histogram)
  --mode idle   N idle authenticated WebSockets; gateway memory per socket

Options:
  --gateway URL          use a running gateway instead of starting a stack
  --admin-email ADDR     org administrator (default: the demo administrator)
  --admin-password PW    its password (default: the demo password)
  --rate N               messages per second (default 1000)
  --users K              online users (default 300)
  --group-size G         members per group: each message reaches G-1 other devices (default 3)
  --duration S           measured seconds (default 30)
  --warmup S             unmeasured seconds first (default 5)
  --sockets N            idle sockets (default 10000)
  --devices-per-user D   idle sockets per user (default 10)
  --no-write             do not update docs/benchmarks.md
`;

const ROOT = join(__dirname, '..', '..', '..');
const RESULTS = join(ROOT, 'docs', 'benchmarks.md');

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      mode: { type: 'string', default: 'both' },
      gateway: { type: 'string' },
      'admin-email': { type: 'string', default: DEMO_ADMIN.email },
      'admin-password': { type: 'string', default: DEMO_PASSWORD },
      rate: { type: 'string', default: '1000' },
      users: { type: 'string', default: '300' },
      'group-size': { type: 'string', default: '3' },
      duration: { type: 'string', default: '30' },
      warmup: { type: 'string', default: '5' },
      sockets: { type: 'string', default: '10000' },
      'devices-per-user': { type: 'string', default: '10' },
      'no-write': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || !['load', 'idle', 'both'].includes(values.mode!)) {
    process.stdout.write(USAGE);

    return values.help ? 0 : 2;
  }
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  let stack: RunningStack | undefined;
  let gatewayUrl = values.gateway;
  const servers = {
    postgresUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
    natsUrl: 'nats://127.0.0.1:4222',
    redisUrl: 'redis://127.0.0.1:6379',
  };
  if (!gatewayUrl) {
    progress('starting a benchmark stack');
    stack = await startStack({
      ...servers,
      rootDir: ROOT,
      prefix: `bench${Date.now().toString(36)}`,
      portOffset: await findFreePortOffset(),
      stateDir: join(ROOT, '.confer', 'bench'),
      logLevel: 'warn',
    });
    gatewayUrl = stack.gatewayUrl;
    await seedDemo({
      contactsGrpcUrl: stack.apps.contacts.grpcUrl!,
      authGrpcUrl: stack.apps['auth-2fa'].grpcUrl!,
      messagingGrpcUrl: stack.apps.messaging.grpcUrl!,
      discussionGrpcUrl: stack.apps.discussion.grpcUrl!,
    });
  }
  const credentials = {
    gatewayUrl,
    adminEmail: values['admin-email']!,
    adminPassword: values['admin-password']!,
  };
  try {
    const groupSize = Number(values['group-size']);
    if (values.mode !== 'idle') {
      const users = Math.floor(Number(values.users) / groupSize) * groupSize;
      const report = await runLoad({
        ...credentials,
        users,
        groupSize,
        ratePerSecond: Number(values.rate),
        durationSeconds: Number(values.duration),
        warmupSeconds: Number(values.warmup),
        onProgress: progress,
      });
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      if (!values['no-write']) {
        writeSection(RESULTS, 'bench:chat:load', loadMarkdown(report));
      }
    }
    if (values.mode !== 'load') {
      const report = await runIdle({
        ...credentials,
        sockets: Number(values.sockets),
        devicesPerUser: Number(values['devices-per-user']),
        settleSeconds: 5,
        onProgress: progress,
      });
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      if (!values['no-write']) {
        writeSection(RESULTS, 'bench:chat:idle', idleMarkdown(report));
      }
    }
  } finally {
    if (stack) {
      await stack.stop();
      await removeStackData(servers, stack.prefix);
    }
  }

  return 0;
}

function loadMarkdown(r: LoadReport): string {
  return [
    '### Live chat under load (`npm run bench:chat -- --mode load`)',
    '',
    `Measured ${machineLine()}.`,
    '',
    `${r.users} online users in groups of ${r.groupSize} (each message reaches ${r.groupSize - 1} other devices), ` +
      `messages due at ${r.targetRate}/s for ${r.durationSeconds} s after warm-up, sent over the WebSocket; ` +
      `achieved ${r.achievedRate}/s, ${r.sent} sent, ${r.acknowledged} acknowledged, ${r.errors} errors, ` +
      `${r.deliveriesMissing} of ${r.deliveriesExpected} measured deliveries missing.`,
    '',
    '| latency from due time (ms) | count | p50 | p90 | p99 | p99.9 | max |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    `| to each recipient device | ${r.delivery.count} | ${r.delivery.p50} | ${r.delivery.p90} | ${r.delivery.p99} | ${r.delivery.p999} | ${r.delivery.max} |`,
    `| to the sender's acknowledgement | ${r.ack.count} | ${r.ack.p50} | ${r.ack.p90} | ${r.ack.p99} | ${r.ack.p999} | ${r.ack.max} |`,
  ].join('\n');
}

function idleMarkdown(r: IdleReport): string {
  return [
    '### Idle authenticated WebSockets (`npm run bench:chat -- --mode idle`)',
    '',
    `Measured ${machineLine()}.`,
    '',
    `${r.sockets} sockets for ${r.users} users: gateway resident memory ${mib(r.residentBefore)} MiB before, ` +
      `${mib(r.residentAfter)} MiB with every socket open, about ${(r.bytesPerSocket / 1024).toFixed(1)} KiB per socket.`,
  ].join('\n');
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
