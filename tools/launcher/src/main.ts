import { resolve } from 'node:path';
import { Writable } from 'node:stream';

import { ConfigError } from '@confer/config';
import {
  checkServers,
  DemoSeed,
  removeStackData,
  RunningStack,
  seedDemo,
  startStack,
  StackStartError,
} from '@confer/stack';

import { seedOrWarn } from './demo-seeding';
import { LauncherConfig, loadLauncherConfig } from './launcher-config';

/** The repository root, from tools/launcher/dist. */
const ROOT_DIR = resolve(__dirname, '..', '..', '..');

const say = (line = '') => process.stdout.write(`${line}\n`);
const complain = (line: string) => process.stderr.write(`${line}\n`);

/**
 * `npm start`: checks that PostgreSQL, NATS and Redis answer, starts every
 * app from its built code, seeds the demo organisation and says where the
 * API is. Ctrl-C (or SIGTERM) stops every app before exiting.
 */
async function main(): Promise<void> {
  const config = loadLauncherConfig();
  if (process.argv.includes('remove-data')) {
    // `npm run stack:remove-data`: drop the prefix's databases, streams, Redis keys and directory.
    await removeStackData(config, config.prefix);
    say(
      `Removed the databases, NATS streams, Redis keys and directory subtree of prefix "${config.prefix}".`,
    );

    return;
  }
  const problems = await checkServers(config);
  if (problems.length > 0) {
    problems.forEach(complain);
    process.exit(1);
  }
  say('Starting Confer: PostgreSQL, NATS and Redis answer; starting every app …');
  const stack = await startStack({
    ...config,
    rootDir: ROOT_DIR,
    logStream: config.prettyLogs ? prettyStream() : undefined,
  });
  stopOnSignals(stack);
  const seed = config.seed
    ? await seedOrWarn(
        () =>
          seedDemo({
            contactsGrpcUrl: stack.apps.contacts.grpcUrl!,
            authGrpcUrl: stack.apps['auth-2fa'].grpcUrl!,
            messagingGrpcUrl: stack.apps.messaging.grpcUrl!,
            discussionGrpcUrl: stack.apps.discussion.grpcUrl!,
            prefix: config.prefix,
          }),
        complain,
      )
    : undefined;
  printSummary(config, stack, seed);
}

function printSummary(config: LauncherConfig, stack: RunningStack, seed?: DemoSeed): void {
  say();
  say(`Confer is running.`);
  say(`  API       ${stack.gatewayUrl}/api/v1`);
  say(
    `  API docs  ${stack.gatewayUrl}/api/docs  (OpenAPI JSON: ${stack.gatewayUrl}/api/v1/openapi.json)`,
  );
  say(`  Live      ${stack.gatewayUrl.replace(/^http/, 'ws')}/api/v1/live`);
  say(`  S3        ${stack.s3.endpoint}${config.s3 ? '' : ' (local s3rver)'}`);
  say(
    stack.logDir
      ? `  Logs      ${stack.logDir}/<app>.log (JSON lines; CONFER_LOGS=pretty prints them here instead)`
      : '  Logs      on this terminal',
  );
  if (config.seed && !seed) {
    say();
    say('Demo organisation: not seeded (see the warning above).');
  }
  if (seed) {
    const admin = seed.logins.find((login) => login.roles.includes('org_admin'));
    say();
    say(
      `Demo organisation ${seed.orgId} (${seed.createdUsers > 0 ? `${seed.createdUsers} users created` : 'already seeded'}).`,
    );
    say(`Every demo user's password: ${seed.password}`);
    for (const login of seed.logins) {
      say(
        `  ${login.email.padEnd(36)} ${login.displayName}${login === admin ? '  (org_admin)' : ''}`,
      );
    }
    say();
    say('Try:');
    say(
      `  curl -s -X POST ${stack.gatewayUrl}/api/v1/auth/login -H 'content-type: application/json' ` +
        `-d '{"email":"${admin?.email}","password":"${seed.password}"}'`,
    );
  }
  say();
  say('Press Ctrl-C to stop every app.');
}

function stopOnSignals(stack: RunningStack): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    say(`\n${signal}: stopping every app …`);
    stack
      .stop()
      .then(() => {
        say('Stopped.');
        process.exit(0);
      })
      .catch((error: unknown) => {
        complain(`Stopping failed: ${String(error)}`);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function prettyStream(): Writable {
  // A development-only dependency, loaded only when asked for.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pretty = require('pino-pretty') as (options: object) => Writable;

  return pretty({
    colorize: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service',
    messageFormat: '{service} | {msg}',
  });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof StackStartError) {
    complain(error.message);
  } else {
    complain(
      `Confer did not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  }
  process.exit(1);
});
