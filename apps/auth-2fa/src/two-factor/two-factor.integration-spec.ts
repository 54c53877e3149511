// The second factor inside auth-2fa, run from its build as its own process
// (so its pino output can be read) against the real PostgreSQL, Redis and NATS,
// with the real contacts for users and the organisation's policy: enrolment by
// app binding, codes once only with drift, growing blocks that never lock the
// owner out, push approvals answered on the bound app only, expiry, disabling,
// trusted devices, the audit lines, pruning, and nothing secret in the logs.
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';

import { connect, NatsConnection } from 'nats';
import { Client } from 'pg';

import { databaseUrl } from '@confer/database';
import {
  AuditRecordedPayload,
  parseSignal,
  serviceStream,
  SignalFrame,
  signalSubject,
} from '@confer/events';
import { Caller, ServiceClient, SYSTEM_USER_ID, systemCaller } from '@confer/grpc';
import { auth, contacts, twoFactor } from '@confer/proto';
import {
  BuiltAppProcess,
  conferFailure,
  dropDatabase,
  freePort,
  spawnBuiltApp,
  testGrpcClient,
  testServers,
  uniqueDatabaseName,
  uniqueToken,
} from '@confer/testing';

import { base32Decode, PRODUCT_TOTP, timeStep, totp } from './totp';

jest.setTimeout(90_000);

const ROOT = join(__dirname, '..', '..', '..', '..');
const PERIOD = 30;
const servers = testServers();
const system = systemCaller(SYSTEM_USER_ID, 'it-two-factor');

/** The simulated authenticator: codes for steps never offered before, as a phone would show. */
class Authenticator {
  private lastStep = -1;

  constructor(readonly secret: Buffer) {}

  /** A code the server (at most a step ahead of this clock) accepts: T-1, T or T+1, unused. */
  async nextCode(): Promise<string> {
    for (;;) {
      const now = Date.now() / 1000;
      const step = timeStep(now, PERIOD);
      // T-1 only well inside the step: a server already in T+1 would refuse it.
      const safeEarliest = now - step * PERIOD < PERIOD - 3 ? step - 1 : step;
      const candidate = Math.max(safeEarliest, this.lastStep + 1);
      if (candidate <= step + 1) {
        this.lastStep = candidate;

        return this.codeAt(candidate);
      }
      await sleep(((step + 1) * PERIOD - now) * 1000 + 50);
    }
  }

  /** Six digits that are no code of the steps around now. */
  wrongCode(): string {
    const step = timeStep(Date.now() / 1000, PERIOD);
    const near = [-2, -1, 0, 1, 2].map((offset) => this.codeAt(step + offset));

    return ['000000', '111111', '222222'].find((value) => !near.includes(value))!;
  }

  codeAt(step: number): string {
    return totp(this.secret, step * PERIOD, { ...PRODUCT_TOTP, period: PERIOD });
  }
}

interface AuthProcess {
  grpcUrl: string;
  logs(): string;
  stop(): Promise<void>;
}

/** auth-2fa from its build with its stdout kept: the pino lines an operator would read. */
async function startAuthProcess(env: Record<string, string>): Promise<AuthProcess> {
  const grpcPort = await freePort();
  const httpPort = await freePort();
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'apps/auth-2fa/dist/main.js')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      LOG_LEVEL: 'debug',
      GRPC_PORT: String(grpcPort),
      HTTP_PORT: String(httpPort),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`auth-2fa exited with ${child.exitCode}: ${output}`);
    }
    const ready = await fetch(`http://127.0.0.1:${httpPort}/health/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) {
      break;
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`auth-2fa was not ready: ${output}`);
    }
    await sleep(200);
  }

  return {
    grpcUrl: `127.0.0.1:${grpcPort}`,
    logs: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) {
          resolve();

          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('two-factor sign-in (auth-2fa against PostgreSQL, Redis and NATS)', () => {
  const prefix = uniqueToken('it2fa');
  const databases = {
    contacts: uniqueDatabaseName('tf_it_contacts'),
    mail: uniqueDatabaseName('tf_it_mail'),
    auth: uniqueDatabaseName('tf_it'),
  };
  let contactsApp: BuiltAppProcess;
  let mailBridge: BuiltAppProcess;
  let authApp: AuthProcess;
  let directory: { client: ServiceClient<contacts.ContactsServiceClient>; close(): void };
  let authClient: { client: ServiceClient<auth.AuthServiceClient>; close(): void };
  let tfClient: { client: ServiceClient<twoFactor.TwoFactorServiceClient>; close(): void };
  let nats: NatsConnection;
  let db: Client;
  let orgId: string;
  const auditLines: AuditRecordedPayload[] = [];
  const signals: Array<SignalFrame & { userId: string }> = [];
  /** Everything secret handed out during the run: none may reach a log line. */
  const secrets = new Set<string>();

  beforeAll(async () => {
    const shared = {
      POSTGRES_URL: servers.postgresUrl,
      NATS_URL: servers.natsUrl,
      NATS_PREFIX: prefix,
    };
    [contactsApp, mailBridge] = await Promise.all([
      spawnBuiltApp('contacts', { ...shared, DATABASE_NAME: databases.contacts }),
      spawnBuiltApp('mail-bridge', { ...shared, DATABASE_NAME: databases.mail }),
    ]);
    authApp = await startAuthProcess({
      ...shared,
      DATABASE_NAME: databases.auth,
      REDIS_URL: servers.redisUrl,
      CONTACTS_GRPC_URL: contactsApp.grpcUrl,
      MAIL_BRIDGE_GRPC_URL: mailBridge.grpcUrl,
      TWO_FACTOR_ACCOUNT_IP_FAILURES: '3',
      TWO_FACTOR_ACCOUNT_IP_FIRST_BLOCK_SECONDS: '1',
      TWO_FACTOR_ACCOUNT_IP_MAX_BLOCK_SECONDS: '4',
      TWO_FACTOR_ACCOUNT_FAILURES: '10',
      TWO_FACTOR_ACCOUNT_FIRST_BLOCK_SECONDS: '2',
      TWO_FACTOR_ACCOUNT_MAX_BLOCK_SECONDS: '2',
      TWO_FACTOR_PRUNE_INTERVAL_SECONDS: '1',
      LOGIN_FREE_ATTEMPTS_PER_ACCOUNT: '3',
    });
    directory = testGrpcClient<contacts.ContactsServiceClient>('contacts', contactsApp.grpcUrl);
    authClient = testGrpcClient<auth.AuthServiceClient>('auth', authApp.grpcUrl);
    tfClient = testGrpcClient<twoFactor.TwoFactorServiceClient>('twoFactor', authApp.grpcUrl);
    nats = await connect({ servers: servers.natsUrl });
    nats.subscribe(`${prefix}.auth_2fa.audit.recorded`, {
      callback: (_error, message) => auditLines.push(message.json<AuditRecordedPayload>()),
    });
    nats.subscribe(signalSubject(prefix, '*'), {
      callback: (_error, message) => {
        const frame = parseSignal(message.data);
        if (frame) {
          signals.push({ ...frame, userId: message.subject.split('.').pop()! });
        }
      },
    });
    db = new Client({ connectionString: databaseUrl(servers.postgresUrl, databases.auth) });
    await db.connect();
    orgId = (
      await directory.client.createOrganisation(system, {
        name: 'Second Factor Ltd',
        domain: 'tf.confer.test',
        id: '',
      })
    ).id;
  });

  afterAll(async () => {
    await db?.end();
    await nats?.close();
    tfClient?.close();
    authClient?.close();
    directory?.close();
    await authApp?.stop();
    await Promise.all([contactsApp?.stop(), mailBridge?.stop()]);
    const cleanup = await connect({ servers: servers.natsUrl });
    const jsm = await cleanup.jetstreamManager();
    for (const service of ['contacts', 'auth-2fa', 'mail-bridge']) {
      await jsm.streams.delete(serviceStream(prefix, service).name).catch(() => undefined);
    }
    await cleanup.close();
    for (const database of Object.values(databases)) {
      await dropDatabase(servers.postgresUrl, database);
    }
  });

  const tf = () => tfClient.client;

  interface Person {
    id: string;
    email: string;
    password: string;
    caller: Caller;
  }

  interface Signed {
    grant: auth.TokenGrant;
    session: twoFactor.SessionContext;
  }

  interface Enrolled extends Person {
    phone: Signed;
    app: Authenticator;
  }

  async function person(): Promise<Person> {
    const email = `${uniqueToken('u').toLowerCase()}@tf.confer.test`;
    const password = `pw-${randomUUID()}`;
    const { id } = await directory.client.createUser(system, {
      orgId,
      email,
      displayName: email,
      roles: [],
    });
    await authClient.client.setPassword(system, { userId: id, password });

    return { id, email, password, caller: { userId: id, orgId, roles: [], correlationId: 'it' } };
  }

  async function signIn(
    who: Person,
    options: { ip?: string; deviceName?: string; trustedDeviceToken?: string } = {},
  ): Promise<Signed> {
    const ip = options.ip ?? '192.0.2.10';
    const grant = await authClient.client.login(system, {
      email: who.email,
      password: who.password,
      deviceName: options.deviceName ?? 'Firefox on a laptop',
      clientIp: ip,
      client: 'jest',
      trustedDeviceToken: options.trustedDeviceToken ?? '',
    });
    secrets.add(grant.refreshToken);
    secrets.add(grant.accessToken);
    const mfa = { pending: 'pending', enrolment_required: 'enrol' }[grant.secondFactor] ?? '';

    // The context the gateway builds from the verified token.
    return {
      grant,
      session: { sessionId: grant.sessionId, clientIp: ip, deviceName: '', secondFactor: mfa },
    };
  }

  function parseUri(uri: string) {
    const url = new URL(uri);

    return {
      label: decodeURIComponent(url.pathname.replace(/^\/+/, '')),
      host: url.host,
      params: Object.fromEntries(url.searchParams),
    };
  }

  /** A user with the app bound on a phone session and the second factor on. */
  async function enrolled(): Promise<Enrolled> {
    const who = await person();
    const web = await signIn(who);
    const phone = await signIn(who, { ip: '192.0.2.20', deviceName: 'Pixel 8' });
    const started = await tf().startEnrolment(who.caller, web.session);
    const { params } = parseUri(started.otpauthUri);
    secrets.add(params.secret);
    secrets.add(started.bindingToken);
    await tf().bindApp(who.caller, {
      session: phone.session,
      bindingToken: params.binding,
      deviceName: 'Pixel 8',
    });
    const app = new Authenticator(base32Decode(params.secret));
    await tf().confirmEnrolment(who.caller, {
      session: web.session,
      code: await code(app),
      trustDevice: false,
    });

    return { ...who, phone, app };
  }

  async function code(app: Authenticator): Promise<string> {
    const next = await app.nextCode();
    secrets.add(next);

    return next;
  }

  async function waitFor<T>(read: () => Promise<T> | T, ok: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const value = await read();
      if (ok(value) || Date.now() > deadline) {
        return value;
      }
      await sleep(100);
    }
  }

  function auditOf(userId: string, action: string) {
    return waitFor(
      () => auditLines.filter((line) => line.subjectUserId === userId && line.action === action),
      (lines) => lines.length > 0,
    );
  }

  async function enrolmentRow(userId: string) {
    return (await db.query('SELECT * FROM two_factor_enrolments WHERE user_id = $1', [userId]))
      .rows[0];
  }

  async function sessionState(sessionId: string): Promise<string> {
    return (await db.query('SELECT second_factor FROM sessions WHERE id = $1', [sessionId])).rows[0]
      .second_factor;
  }

  describe('enrolment by app binding', () => {
    it('hands out an otpauth URI with the secret and a binding token, and keeps the secret sealed', async () => {
      const who = await person();
      const web = await signIn(who);

      const started = await tf().startEnrolment(who.caller, web.session);
      const uri = parseUri(started.otpauthUri);
      secrets.add(uri.params.secret);
      secrets.add(started.bindingToken);
      const row = await enrolmentRow(who.id);

      expect(uri.host).toBe('totp');
      expect(uri.label).toBe(`Confer:${who.email}`);
      expect(uri.params).toMatchObject({
        issuer: 'Confer',
        algorithm: 'SHA1',
        digits: '6',
        period: '30',
        binding: started.bindingToken,
      });
      expect(base32Decode(uri.params.secret)).toHaveLength(20);
      expect(started.qrPng).toMatch(/^data:image\/png;base64,/);
      expect(started.qrSvg).toContain('<svg');
      expect(row).toMatchObject({
        status: 'pending',
        secret_key_id: 'dev',
        bound_session_id: null,
      });
      expect(row.secret_sealed.includes(base32Decode(uri.params.secret))).toBe(false);
      expect(row.binding_token_hash.toString('utf8')).not.toContain(started.bindingToken);
      await expect(tf().getStatus(who.caller, web.session)).resolves.toMatchObject({
        enabled: false,
        enrolmentPending: true,
      });
    });

    it('binds the app once: the token a second time, another user or an unfinished session change nothing', async () => {
      const who = await person();
      const other = await person();
      const web = await signIn(who);
      const phone = await signIn(who, { ip: '192.0.2.20' });
      const stranger = await signIn(other);
      const started = await tf().startEnrolment(who.caller, web.session);
      secrets.add(started.bindingToken);
      secrets.add(parseUri(started.otpauthUri).params.secret);
      const bind = (caller: Caller, session: twoFactor.SessionContext) =>
        tf().bindApp(caller, {
          session,
          bindingToken: started.bindingToken,
          deviceName: 'Pixel 8',
        });

      const owing = await conferFailure(
        bind(who.caller, { ...phone.session, secondFactor: 'pending' }),
      );
      const foreign = await conferFailure(bind(other.caller, stranger.session));
      const unchanged = await enrolmentRow(who.id);
      const bound = await bind(who.caller, phone.session);
      const afterBinding = await enrolmentRow(who.id);
      const twice = await conferFailure(bind(who.caller, web.session));

      expect(owing.code).toBe('auth.forbidden');
      expect(foreign.code).toBe('two_factor.binding_not_found');
      expect(unchanged).toMatchObject({ bound_session_id: null, binding_used_at: null });
      expect(bound.deviceName).toBe('Pixel 8');
      expect(twice).toMatchObject({ code: 'two_factor.binding_used', httpStatus: 409 });
      expect(await enrolmentRow(who.id)).toEqual(afterBinding);
      expect(afterBinding.bound_session_id).toBe(phone.grant.sessionId);
    });

    it('refuses an expired binding token with 410', async () => {
      const who = await person();
      const web = await signIn(who);
      const started = await tf().startEnrolment(who.caller, web.session);
      secrets.add(started.bindingToken);
      secrets.add(parseUri(started.otpauthUri).params.secret);
      await db.query(
        `UPDATE two_factor_enrolments SET binding_expires_at = now() - interval '1 second'
         WHERE user_id = $1`,
        [who.id],
      );

      const error = await conferFailure(
        tf().bindApp(who.caller, {
          session: (await signIn(who)).session,
          bindingToken: started.bindingToken,
          deviceName: '',
        }),
      );

      expect(error).toMatchObject({ code: 'two_factor.binding_expired', httpStatus: 410 });
      expect(await enrolmentRow(who.id)).toMatchObject({ bound_session_id: null });
    });

    it('turns the factor on only with a right code from a bound app, and audits it', async () => {
      const who = await person();
      const web = await signIn(who);
      const phone = await signIn(who, { ip: '192.0.2.20', deviceName: 'Pixel 8' });
      const started = await tf().startEnrolment(who.caller, web.session);
      const { params } = parseUri(started.otpauthUri);
      secrets.add(params.secret);
      secrets.add(params.binding);
      const app = new Authenticator(base32Decode(params.secret));
      const confirm = async (value: string) =>
        tf().confirmEnrolment(who.caller, {
          session: web.session,
          code: value,
          trustDevice: false,
        });

      const unbound = await conferFailure(confirm(await code(app)));
      await tf().bindApp(who.caller, {
        session: phone.session,
        bindingToken: params.binding,
        deviceName: '',
      });
      const wrong = await conferFailure(confirm(app.wrongCode()));
      const pendingStill = await enrolmentRow(who.id);
      const status = await confirm(await code(app));

      expect(unbound.code).toBe('two_factor.app_not_bound');
      expect(wrong.code).toBe('two_factor.code_invalid');
      expect(pendingStill.status).toBe('pending');
      expect(status).toMatchObject({ enabled: true, boundDeviceName: 'Pixel 8' });
      expect(Date.parse(status.enrolledAt)).toBeGreaterThan(Date.now() - 60_000);
      const [line] = await auditOf(who.id, 'two_factor.enrolled');
      expect(line).toMatchObject({ orgId, actorId: who.id, clientIp: '192.0.2.10' });
    });
  });

  describe('codes at sign-in', () => {
    let alice: Enrolled;

    beforeAll(async () => {
      alice = await enrolled();
    });

    it('starts a session owing the second factor and passes it with a code, once', async () => {
      const first = await signIn(alice);
      const second = await signIn(alice, { ip: '192.0.2.11' });
      const value = await code(alice.app);

      const passed = await tf().verifyCode(alice.caller, {
        session: first.session,
        code: value,
        trustDevice: false,
      });
      secrets.add(passed.accessToken);
      secrets.add(passed.refreshToken);
      const replay = await conferFailure(
        tf().verifyCode(alice.caller, { session: second.session, code: value, trustDevice: false }),
      );
      const again = await conferFailure(
        tf().verifyCode(alice.caller, {
          session: first.session,
          code: await code(alice.app),
          trustDevice: false,
        }),
      );

      expect(first.grant.secondFactor).toBe('pending');
      expect(passed).toMatchObject({
        userId: alice.id,
        orgId,
        trustedDeviceToken: '',
        sessionId: first.grant.sessionId,
        secondFactor: 'passed',
        refreshExpiresIn: first.grant.refreshExpiresIn,
      });
      expect(await sessionState(first.grant.sessionId)).toBe('passed');
      expect(replay).toMatchObject({ code: 'two_factor.code_reused', httpStatus: 409 });
      expect(await sessionState(second.grant.sessionId)).toBe('pending');
      expect(again.code).toBe('two_factor.not_pending');
      const rejected = await auditOf(alice.id, 'two_factor.code_rejected');
      expect(rejected.map((line) => JSON.parse(line.detailsJson).reason)).toContain('reused');
    });

    it('accepts one step of drift either way and nothing further', async () => {
      const bob = await enrolled();
      // Stay clear of a step boundary so this clock and the server's agree on now.
      const into = (Date.now() / 1000) % PERIOD;
      if (into < 3 || into > PERIOD - 4) {
        await sleep(((PERIOD - into + 4) % PERIOD) * 1000);
      }
      const now = timeStep(Date.now() / 1000, PERIOD);
      const pending = await signIn(bob);
      const attempt = (value: string) =>
        conferFailure(
          tf().verifyCode(bob.caller, {
            session: pending.session,
            code: value,
            trustDevice: false,
          }),
        );

      const tooOld = await attempt(bob.app.codeAt(now - 2));
      const tooNew = await attempt(bob.app.codeAt(now + 2));
      const passed = await tf().verifyCode(bob.caller, {
        session: pending.session,
        code: bob.app.codeAt(now + 1),
        trustDevice: false,
      });

      expect([tooOld.code, tooNew.code]).toEqual([
        'two_factor.code_invalid',
        'two_factor.code_invalid',
      ]);
      expect(passed.userId).toBe(bob.id);
      // The step just behind is refused now: steps at or below the last accepted are used up.
      const behind = await signIn(bob);
      const late = await conferFailure(
        tf().verifyCode(bob.caller, {
          session: behind.session,
          code: bob.app.codeAt(now - 1),
          trustDevice: false,
        }),
      );
      expect(late.code).toBe('two_factor.code_reused');
    });

    it.each([
      ['12345', 91],
      ['1234567', 92],
      ['abcdef', 93],
      ['', 94],
      ['12 456', 95],
    ])(
      'refuses the malformed code %j with code_invalid, the session still owing',
      async (value, host) => {
        // One address each: the account-and-address limit is not what this is about.
        const pending = await signIn(alice, { ip: `192.0.2.${host}` });

        const error = await conferFailure(
          tf().verifyCode(alice.caller, {
            session: pending.session,
            code: value,
            trustDevice: false,
          }),
        );

        expect(error).toMatchObject({ code: 'two_factor.code_invalid', httpStatus: 422 });
        expect(await sessionState(pending.grant.sessionId)).toBe('pending');
      },
    );

    it('answers a session id that is not one of its sessions with a clear refusal, writing nothing', async () => {
      const { rows: before } = await db.query(
        'SELECT count(*)::int AS n FROM two_factor_approvals',
      );

      const errors = await Promise.all([
        conferFailure(
          tf().requestSignInApproval(alice.caller, {
            sessionId: 'kc-session-1',
            clientIp: '192.0.2.1',
            deviceName: '',
            secondFactor: '',
          }),
        ),
        conferFailure(
          tf().startEnrolment(alice.caller, {
            sessionId: 'not-a-uuid',
            clientIp: '192.0.2.1',
            deviceName: '',
            secondFactor: '',
          }),
        ),
      ]);

      expect(errors.map((error) => [error.code, error.httpStatus])).toEqual([
        ['two_factor.session_not_supported', 403],
        ['two_factor.session_not_supported', 403],
      ]);
      const { rows: after } = await db.query('SELECT count(*)::int AS n FROM two_factor_approvals');
      expect(after[0].n).toBe(before[0].n);
    });
  });

  describe('failed-code limits', () => {
    it('blocks a guesser with growing delays while the owner still gets in', async () => {
      const victim = await enrolled();
      const guesser = await signIn(victim, { ip: '198.51.100.7' });
      const wrong = (session: twoFactor.SessionContext) =>
        conferFailure(
          tf().verifyCode(victim.caller, {
            session,
            code: victim.app.wrongCode(),
            trustDevice: false,
          }),
        );
      const delays: number[] = [];

      for (let round = 0; round < 2; round += 1) {
        for (let attempt = 0; attempt < 3; attempt += 1) {
          expect((await wrong(guesser.session)).code).toBe('two_factor.code_invalid');
        }
        const blocked = await wrong(guesser.session);
        expect(blocked).toMatchObject({ code: 'two_factor.too_many_attempts', httpStatus: 429 });
        delays.push(blocked.details!.retryAfterSeconds as number);
        await sleep(delays[round] * 1000 + 100);
      }
      // Push approval is not throttled by wrong codes.
      const approval = await tf().requestSignInApproval(victim.caller, guesser.session);
      const owner = await signIn(victim, { ip: '192.0.2.10' });
      const ownerPassed = await tf().verifyCode(victim.caller, {
        session: owner.session,
        code: await code(victim.app),
        trustDevice: false,
      });

      expect(delays).toEqual([1, 2]);
      expect(approval.status).toBe('pending');
      expect(ownerPassed.userId).toBe(victim.id);
    });

    it('checks no more codes of a burst sent at once than of the same codes one by one', async () => {
      const victim = await enrolled();
      const guesser = await signIn(victim, { ip: '198.51.100.30' });

      const answers = await Promise.all(
        Array.from({ length: 30 }, () =>
          conferFailure(
            tf().verifyCode(victim.caller, {
              session: guesser.session,
              code: victim.app.wrongCode(),
              trustDevice: false,
            }),
          ),
        ),
      );
      const checked = answers.filter((answer) => answer.code === 'two_factor.code_invalid');
      const refused = answers.filter((answer) => answer.code !== 'two_factor.code_invalid');
      const rejectedLines = () =>
        auditLines.filter(
          (line) => line.subjectUserId === victim.id && line.action === 'two_factor.code_rejected',
        );
      await waitFor(rejectedLines, (lines) => lines.length >= 3);
      await sleep(500);
      const waits = refused.map((answer) => answer.details!.retryAfterSeconds as number);
      await sleep(Math.max(...waits) * 1000 + 100);
      const passed = await tf().verifyCode(victim.caller, {
        session: guesser.session,
        code: await code(victim.app),
        trustDevice: false,
      });

      // TWO_FACTOR_ACCOUNT_IP_FAILURES, then the first block (1 s) for the rest.
      expect(checked).toHaveLength(3);
      expect(refused).toHaveLength(27);
      for (const answer of refused) {
        expect(answer).toMatchObject({ code: 'two_factor.too_many_attempts', httpStatus: 429 });
      }
      expect(waits.every((wait) => wait === 1)).toBe(true);
      // Every checked code is refused on the audit trail; none of the others is.
      expect(rejectedLines()).toHaveLength(3);
      expect(passed.userId).toBe(victim.id);
      expect(await sessionState(guesser.grant.sessionId)).toBe('passed');
    });

    it('lets failures spread over many addresses block the account only briefly', async () => {
      const victim = await enrolled();
      for (let n = 1; n <= 10; n += 1) {
        const spread = await signIn(victim, { ip: `203.0.113.${n}` });
        await conferFailure(
          tf().verifyCode(victim.caller, {
            session: spread.session,
            code: 'xxxxxx',
            trustDevice: false,
          }),
        );
      }
      const owner = await signIn(victim, { ip: '192.0.2.10' });

      const blocked = await conferFailure(
        tf().verifyCode(victim.caller, {
          session: owner.session,
          code: victim.app.wrongCode(),
          trustDevice: false,
        }),
      );
      await sleep((blocked.details!.retryAfterSeconds as number) * 1000 + 100);
      const passed = await tf().verifyCode(victim.caller, {
        session: owner.session,
        code: await code(victim.app),
        trustDevice: false,
      });

      expect(blocked.code).toBe('two_factor.too_many_attempts');
      expect(blocked.details!.retryAfterSeconds).toBeLessThanOrEqual(2);
      expect(passed.userId).toBe(victim.id);
    });
  });

  describe('push approvals', () => {
    let carol: Enrolled;

    beforeAll(async () => {
      carol = await enrolled();
    });

    it('asks the bound app with the asking session’s device, address and time, and passes once', async () => {
      const waiting = await signIn(carol, {
        ip: '192.0.2.44',
        deviceName: 'MacBook at the office',
      });
      const other = await signIn(carol, { ip: '192.0.2.45' });
      const passedOther = await tf().verifyCode(carol.caller, {
        session: other.session,
        code: await code(carol.app),
        trustDevice: false,
      });
      secrets.add(passedOther.refreshToken);

      // No device name sent with the request: the session's own name is shown.
      const approval = await tf().requestSignInApproval(carol.caller, waiting.session);
      const frame = await waitFor(
        () =>
          signals.find(
            (s) =>
              s.type === 'two_factor.approval_requested' &&
              (s.data as { approvalId: string }).approvalId === approval.id,
          ),
        Boolean,
      );
      const pendingExchange = await conferFailure(
        tf().exchangeApproval(carol.caller, { session: waiting.session, approvalId: approval.id }),
      );
      const fromOther = await conferFailure(
        tf().answerApproval(carol.caller, {
          session: { ...other.session, secondFactor: '' },
          approvalId: approval.id,
          approve: true,
        }),
      );
      const stillPending = await tf().getApproval(carol.caller, {
        session: waiting.session,
        approvalId: approval.id,
      });
      const answered = await tf().answerApproval(carol.caller, {
        session: carol.phone.session,
        approvalId: approval.id,
        approve: true,
      });
      const passed = await tf().exchangeApproval(carol.caller, {
        session: waiting.session,
        approvalId: approval.id,
      });
      secrets.add(passed.refreshToken);
      const twice = await conferFailure(
        tf().exchangeApproval(carol.caller, { session: waiting.session, approvalId: approval.id }),
      );

      expect(approval).toMatchObject({
        purpose: 'sign_in',
        status: 'pending',
        deviceName: 'MacBook at the office',
        clientIp: '192.0.2.44',
      });
      expect(frame).toMatchObject({
        userId: carol.id,
        sessionId: carol.phone.grant.sessionId,
        data: {
          approvalId: approval.id,
          deviceName: 'MacBook at the office',
          clientIp: '192.0.2.44',
          requestedAt: approval.requestedAt,
        },
      });
      expect(pendingExchange.code).toBe('two_factor.approval_pending');
      expect(fromOther).toMatchObject({ code: 'two_factor.not_bound_device', httpStatus: 403 });
      expect(stillPending.status).toBe('pending');
      expect(answered.status).toBe('approved');
      expect(passed).toMatchObject({
        userId: carol.id,
        sessionId: waiting.grant.sessionId,
        secondFactor: 'passed',
      });
      expect(passed.refreshExpiresIn).toBeGreaterThan(0);
      expect(await sessionState(waiting.grant.sessionId)).toBe('passed');
      expect(twice).toMatchObject({ code: 'two_factor.approval_used', httpStatus: 409 });
      await waitFor(
        () =>
          signals.find(
            (s) =>
              s.type === 'two_factor.approval_answered' && s.sessionId === waiting.grant.sessionId,
          ),
        Boolean,
      );
      const [granted] = await auditOf(carol.id, 'two_factor.approval_granted');
      expect(JSON.parse(granted.detailsJson)).toMatchObject({
        approvalId: approval.id,
        requestingDevice: 'MacBook at the office',
        requestingIp: '192.0.2.44',
      });
    });

    it('refuses an approval once the session passed with a code, leaving it approved', async () => {
      const waiting = await signIn(carol);
      const approval = await tf().requestSignInApproval(carol.caller, waiting.session);
      await tf().answerApproval(carol.caller, {
        session: carol.phone.session,
        approvalId: approval.id,
        approve: true,
      });
      const passed = await tf().verifyCode(carol.caller, {
        session: waiting.session,
        code: await code(carol.app),
        trustDevice: false,
      });
      secrets.add(passed.refreshToken);

      const late = await conferFailure(
        tf().exchangeApproval(carol.caller, { session: waiting.session, approvalId: approval.id }),
      );
      const after = await tf().getApproval(carol.caller, {
        session: waiting.session,
        approvalId: approval.id,
      });

      expect(late).toMatchObject({ code: 'two_factor.not_pending', httpStatus: 409 });
      expect(after.status).toBe('approved');
    });

    it('shows the name sent with the request over the session’s, and records a refusal', async () => {
      const waiting = await signIn(carol, { deviceName: 'Laptop' });

      const approval = await tf().requestSignInApproval(carol.caller, {
        ...waiting.session,
        deviceName: 'Front desk PC',
      });
      await tf().answerApproval(carol.caller, {
        session: carol.phone.session,
        approvalId: approval.id,
        approve: false,
      });
      const denied = await conferFailure(
        tf().exchangeApproval(carol.caller, { session: waiting.session, approvalId: approval.id }),
      );

      expect(approval.deviceName).toBe('Front desk PC');
      expect(denied).toMatchObject({ code: 'two_factor.approval_denied', httpStatus: 403 });
      expect(await sessionState(waiting.grant.sessionId)).toBe('pending');
      await auditOf(carol.id, 'two_factor.approval_denied');
    });

    it('refuses an expired request with 410, whether unanswered or approved too late', async () => {
      const waiting = await signIn(carol);
      const unanswered = await tf().requestSignInApproval(carol.caller, waiting.session);
      const late = await tf().requestSignInApproval(carol.caller, waiting.session);
      await tf().answerApproval(carol.caller, {
        session: carol.phone.session,
        approvalId: late.id,
        approve: true,
      });
      await db.query(
        `UPDATE two_factor_approvals SET expires_at = now() - interval '1 second' WHERE id = ANY($1)`,
        [[unanswered.id, late.id]],
      );

      const answer = await conferFailure(
        tf().answerApproval(carol.caller, {
          session: carol.phone.session,
          approvalId: unanswered.id,
          approve: true,
        }),
      );
      const exchange = await conferFailure(
        tf().exchangeApproval(carol.caller, { session: waiting.session, approvalId: late.id }),
      );
      const seen = await tf().getApproval(carol.caller, {
        session: waiting.session,
        approvalId: unanswered.id,
      });

      expect(answer).toMatchObject({ code: 'two_factor.approval_expired', httpStatus: 410 });
      expect(exchange).toMatchObject({ code: 'two_factor.approval_expired', httpStatus: 410 });
      expect(seen.status).toBe('expired');
      expect(await sessionState(waiting.grant.sessionId)).toBe('pending');
    });

    it('answers a malformed or unknown approval id as not found', async () => {
      const waiting = await signIn(carol);

      const errors = await Promise.all(
        ['-'.repeat(36), randomUUID(), 'nope'].map((approvalId) =>
          conferFailure(tf().getApproval(carol.caller, { session: waiting.session, approvalId })),
        ),
      );

      expect(errors.map((error) => error.code)).toEqual([
        'two_factor.approval_not_found',
        'two_factor.approval_not_found',
        'two_factor.approval_not_found',
      ]);
    });
  });

  describe('trusted devices', () => {
    it('skips the second factor from a trusted device until it is revoked', async () => {
      const dave = await enrolled();
      const first = await signIn(dave, { ip: '192.0.2.60', deviceName: 'Home PC' });

      const passed = await tf().verifyCode(dave.caller, {
        // No name sent with the code: the device is listed under the session's.
        session: first.session,
        code: await code(dave.app),
        trustDevice: true,
      });
      secrets.add(passed.trustedDeviceToken);
      secrets.add(passed.refreshToken);
      const trusted = await signIn(dave, {
        ip: '192.0.2.61',
        trustedDeviceToken: passed.trustedDeviceToken,
      });
      const { devices } = await tf().listTrustedDevices(dave.caller, trusted.session);
      const stored = await db.query('SELECT token_hash FROM trusted_devices WHERE id = $1', [
        passed.trustedDeviceId,
      ]);
      const otherUser = await enrolled();
      const foreign = await signIn(otherUser, { trustedDeviceToken: passed.trustedDeviceToken });
      await tf().revokeTrustedDevice(dave.caller, {
        session: trusted.session,
        deviceId: passed.trustedDeviceId,
      });
      const afterRevoke = await signIn(dave, {
        ip: '192.0.2.61',
        trustedDeviceToken: passed.trustedDeviceToken,
      });
      const unknownIds = await Promise.all(
        ['not-an-id', randomUUID(), passed.trustedDeviceId].map((deviceId) =>
          conferFailure(
            tf().revokeTrustedDevice(dave.caller, { session: trusted.session, deviceId }),
          ),
        ),
      );

      expect(passed.trustedDeviceToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(trusted.grant.secondFactor).toBe('not_required');
      expect(devices).toEqual([
        expect.objectContaining({
          id: passed.trustedDeviceId,
          name: 'Home PC',
          lastIp: '192.0.2.61',
        }),
      ]);
      expect(stored.rows[0].token_hash.toString('utf8')).not.toContain(passed.trustedDeviceToken);
      // Another user presenting Dave's credential still owes the factor.
      expect(foreign.grant.secondFactor).toBe('pending');
      expect(afterRevoke.grant.secondFactor).toBe('pending');
      // Malformed, unknown and already revoked ids are all not found.
      expect(unknownIds.map((error) => error.code)).toEqual(
        Array(3).fill('two_factor.trusted_device_not_found'),
      );
      await auditOf(dave.id, 'two_factor.device_trusted');
      await auditOf(dave.id, 'two_factor.device_revoked');
    });
  });

  describe('login delays under attack', () => {
    it('lets the owner’s trusted computer sign in while attackers hold the account-wide delay', async () => {
      const owner = await enrolled();
      const home = '192.0.2.70';
      const first = await signIn(owner, { ip: home, deviceName: 'Office PC' });
      const passed = await tf().verifyCode(owner.caller, {
        session: first.session,
        code: await code(owner.app),
        trustDevice: true,
      });
      secrets.add(passed.trustedDeviceToken);
      secrets.add(passed.refreshToken);
      const login = (ip: string, password: string, trustedDeviceToken = '') =>
        authClient.client.login(system, {
          email: owner.email,
          password,
          deviceName: 'Office PC',
          clientIp: ip,
          client: 'jest',
          trustedDeviceToken,
        });
      // Each attacker address fails once, as soon as the account's delay allows:
      // LOGIN_FREE_ATTEMPTS_PER_ACCOUNT (3) free, then delays of 1, 2 and 4 s.
      for (let failed = 0, n = 1; failed < 6; n += 1) {
        const failure = await conferFailure(login(`203.0.113.${100 + n}`, 'not-the-password'));
        if (failure.code === 'auth.too_many_attempts') {
          await sleep((failure.details!.retryAfterSeconds as number) * 1000 + 50);
        } else {
          expect(failure.code).toBe('auth.bad_credentials');
          failed += 1;
        }
      }

      const untrusted = await conferFailure(login(home, owner.password));
      const wrongToken = await conferFailure(
        login(home, owner.password, randomBytes(32).toString('base64url')),
      );
      const trusted = await login(home, owner.password, passed.trustedDeviceToken);
      secrets.add(trusted.accessToken);
      secrets.add(trusted.refreshToken);

      // Without the trusted device (or with a credential that is none) the owner waits, up to the cap.
      for (const refused of [untrusted, wrongToken]) {
        expect(refused).toMatchObject({ code: 'auth.too_many_attempts', httpStatus: 429 });
        expect(refused.details!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
        expect(refused.details!.retryAfterSeconds).toBeLessThanOrEqual(4);
      }
      expect(trusted).toMatchObject({ userId: owner.id, secondFactor: 'not_required' });
      expect(await sessionState(trusted.sessionId)).toBe('not_required');
    });
  });

  describe('disabling', () => {
    it('needs the bound app’s approval; a refusal changes nothing, a grant removes binding and devices', async () => {
      const erin = await enrolled();
      const web = await signIn(erin);
      const passed = await tf().verifyCode(erin.caller, {
        session: web.session,
        code: await code(erin.app),
        trustDevice: true,
      });
      secrets.add(passed.trustedDeviceToken);
      const signedIn = { ...web.session, secondFactor: '' };

      const refused = await tf().requestDisable(erin.caller, signedIn);
      await tf().answerApproval(erin.caller, {
        session: erin.phone.session,
        approvalId: refused.id,
        approve: false,
      });
      const afterRefusal = await tf().getStatus(erin.caller, signedIn);
      const fromWeb = await tf().requestDisable(erin.caller, signedIn);
      const selfApproval = await conferFailure(
        tf().answerApproval(erin.caller, {
          session: signedIn,
          approvalId: fromWeb.id,
          approve: true,
        }),
      );
      const stillOn = await tf().getStatus(erin.caller, signedIn);
      await tf().answerApproval(erin.caller, {
        session: erin.phone.session,
        approvalId: fromWeb.id,
        approve: true,
      });
      const off = await tf().getStatus(erin.caller, signedIn);
      const next = await signIn(erin, { trustedDeviceToken: passed.trustedDeviceToken });

      expect(refused).toMatchObject({ purpose: 'disable', status: 'pending' });
      expect(afterRefusal.enabled).toBe(true);
      expect(selfApproval.code).toBe('two_factor.not_bound_device');
      expect(stillOn.enabled).toBe(true);
      expect(off).toMatchObject({ enabled: false, boundDeviceName: '' });
      expect(await enrolmentRow(erin.id)).toBeUndefined();
      expect((await tf().listTrustedDevices(erin.caller, signedIn)).devices).toEqual([]);
      expect(next.grant.secondFactor).toBe('not_required');
      const [line] = await auditOf(erin.id, 'two_factor.disabled');
      expect(JSON.parse(line.detailsJson)).toMatchObject({ trustedDevicesRevoked: 1 });
    });

    it('is refused while the organisation requires the second factor, which also makes new users enrol first', async () => {
      const frank = await enrolled();
      const newcomer = await person();
      const web = await signIn(frank);
      await tf().verifyCode(frank.caller, {
        session: web.session,
        code: await code(frank.app),
        trustDevice: false,
      });
      const admin: Caller = {
        userId: randomUUID(),
        orgId,
        roles: ['org_admin'],
        correlationId: 'it',
      };
      await directory.client.updateOrgSettings(admin, requirement(true));
      try {
        const disable = await conferFailure(
          tf().requestDisable(frank.caller, { ...web.session, secondFactor: '' }),
        );
        const enrolFirst = await signIn(newcomer);
        const decision = await tf().decideSignIn(system, {
          userId: newcomer.id,
          orgId,
          trustedDeviceToken: '',
          clientIp: '192.0.2.1',
        });

        expect(disable).toMatchObject({
          code: 'two_factor.required_by_organisation',
          httpStatus: 409,
        });
        expect(await enrolmentRow(frank.id)).toMatchObject({ status: 'enabled' });
        expect(enrolFirst.grant.secondFactor).toBe('enrolment_required');
        expect(decision.secondFactor).toBe('enrolment_required');
      } finally {
        await directory.client.updateOrgSettings(admin, requirement(false));
      }
    });
  });

  function requirement(required: boolean): contacts.UpdateOrgSettingsRequest {
    return {
      orgId,
      twoFactorRequired: required,
      groupCreationPolicy: contacts.GroupCreationPolicy.GROUP_CREATION_POLICY_UNSPECIFIED,
      groupCreationDepartmentIds: [],
    };
  }

  describe('pruning', () => {
    it('deletes approvals, unconfirmed enrolments and dead devices a day after they ended, nothing live', async () => {
      const gina = await enrolled();
      const web = await signIn(gina);
      const old = await tf().requestSignInApproval(gina.caller, web.session);
      const recent = await tf().requestSignInApproval(gina.caller, web.session);
      const abandoned = await person();
      const started = await tf().startEnrolment(
        abandoned.caller,
        (await signIn(abandoned)).session,
      );
      secrets.add(started.bindingToken);
      secrets.add(parseUri(started.otpauthUri).params.secret);
      await db.query(
        `UPDATE two_factor_approvals SET expires_at = now() - interval '25 hours' WHERE id = $1`,
        [old.id],
      );
      await db.query(
        `UPDATE two_factor_approvals SET expires_at = now() - interval '1 minute' WHERE id = $1`,
        [recent.id],
      );
      await db.query(
        `UPDATE two_factor_enrolments SET created_at = now() - interval '25 hours' WHERE user_id = ANY($1)`,
        [[abandoned.id, gina.id]],
      );
      const devices = { dead: randomUUID(), revokedLately: randomUUID(), live: randomUUID() };
      await db.query(
        `INSERT INTO trusted_devices (id, user_id, org_id, name, token_hash, last_ip, expires_at, revoked_at)
         VALUES ($1, $4, $5, 'old', $6, '192.0.2.1', now() + interval '1 day', now() - interval '25 hours'),
                ($2, $4, $5, 'lately', $7, '192.0.2.1', now() + interval '1 day', now() - interval '1 hour'),
                ($3, $4, $5, 'live', $8, '192.0.2.1', now() + interval '1 day', NULL)`,
        [
          devices.dead,
          devices.revokedLately,
          devices.live,
          gina.id,
          orgId,
          randomBytes(32),
          randomBytes(32),
          randomBytes(32),
        ],
      );

      // The pruner runs every second: wait for a pass that saw all of the changes above.
      const {
        approvals,
        abandonedEnrolment,
        devices: kept,
      } = await waitFor(
        async () => ({
          approvals: (
            await db.query('SELECT id FROM two_factor_approvals WHERE id = ANY($1)', [
              [old.id, recent.id],
            ])
          ).rows,
          abandonedEnrolment: await enrolmentRow(abandoned.id),
          devices: (
            await db.query('SELECT name FROM trusted_devices WHERE user_id = $1 ORDER BY name', [
              gina.id,
            ])
          ).rows.map((row: { name: string }) => row.name),
        }),
        (state) =>
          state.approvals.length === 1 &&
          state.abandonedEnrolment === undefined &&
          state.devices.length === 2,
      );

      expect(approvals).toEqual([{ id: recent.id }]);
      expect(abandonedEnrolment).toBeUndefined();
      expect(kept).toEqual(['lately', 'live']);
      expect(await enrolmentRow(gina.id)).toMatchObject({ status: 'enabled' });
      expect(authApp.logs()).toContain('two-factor rows pruned');
    });
  });

  it('publishes an audit line for every change and refusal, and logs no secret', async () => {
    const actions = new Set(auditLines.map((line) => line.action));
    for (const action of [
      'two_factor.enrolled',
      'two_factor.code_rejected',
      'two_factor.approval_granted',
      'two_factor.approval_denied',
      'two_factor.device_trusted',
      'two_factor.device_revoked',
      'two_factor.disabled',
    ]) {
      expect(actions).toContain(action);
    }
    const twoFactorLines = auditLines.filter((line) => line.action.startsWith('two_factor.'));
    expect(twoFactorLines.every((line) => line.subjectUserId && line.orgId === orgId)).toBe(true);
    const published = JSON.stringify(auditLines);
    const logs = authApp.logs();

    expect(logs).toContain('two-factor enabled');
    expect(logs).toContain('second-factor code refused');
    expect(secrets.size).toBeGreaterThan(20);
    for (const secret of secrets) {
      // Codes are six digits: only a standalone run of them would be a leak.
      const leak = new RegExp(
        `(^|[^0-9A-Za-z_-])${secret.replace(/[^\w-]/g, '\\$&')}($|[^0-9A-Za-z_-])`,
      );
      expect({ secret, inLogs: leak.test(logs), inAudit: leak.test(published) }).toEqual({
        secret,
        inLogs: false,
        inAudit: false,
      });
    }
  });
});
