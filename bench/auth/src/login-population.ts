import { randomBytes } from 'node:crypto';

import { provisionOrganisation, ProvisionTargets } from '@confer/stack';
import { TestMailServer } from '@confer/testing';

import { Authenticator } from './authenticator';
import { GatewayApi, Grant } from './login-api';

/** Someone who signs in during the benchmark. */
export interface Person {
  email: string;
  password: string;
  /** Their phone's authenticator once enrolled. */
  app?: Authenticator;
}

export interface Population {
  /** The mailboxes of the test Dovecot, each a Confer user signing in with the mailbox password. */
  mail: Person[];
  /** People of an organisation without a mail server, signing in with local passwords. */
  local: Person[];
}

/**
 * Two organisations, set up as a customer would be: one whose domain is the
 * test Dovecot's, its mail server set through the admin API, with one user
 * for each of the server's mailboxes; one with local passwords and `count`
 * people, created through `POST /users`.
 */
export async function createPopulation(
  api: GatewayApi,
  targets: ProvisionTargets,
  mail: TestMailServer,
  count: number,
  runId: string,
): Promise<Population> {
  const adminPassword = randomBytes(12).toString('base64url');
  // The administrator of the mail domain signs in with a local password
  // before the domain has a mail server; the token serves for the setup.
  const mailAdmin = { email: `bench-admin-${runId}@${mail.domain}`, password: adminPassword };
  await provisionOrganisation(
    targets,
    { name: 'Login benchmark (mail)', domain: mail.domain },
    { ...mailAdmin, displayName: 'Mail benchmark admin' },
  );
  const mailAdminToken = (await api.login(mailAdmin.email, mailAdmin.password, 'bench-setup'))
    .accessToken;
  const mailPeople: Person[] = [];
  for (const account of Object.values(mail.accounts)) {
    await api.call('POST', '/users', 201, {
      token: mailAdminToken,
      // A local password is required here but never used: the mail server decides.
      body: { email: account.address, displayName: account.name, password: adminPassword },
    });
    mailPeople.push({ email: account.address, password: account.password });
  }
  await api.call('PUT', `/admin/mail-domains/${mail.domain}`, 200, {
    token: mailAdminToken,
    body: { host: mail.host, port: mail.ports.imap, tls: 'starttls', rejectUnauthorized: false },
  });

  const localDomain = `login-bench-${runId}.confer.example`;
  const localAdmin = { email: `admin@${localDomain}`, password: adminPassword };
  await provisionOrganisation(
    targets,
    { name: 'Login benchmark (local passwords)', domain: localDomain },
    { ...localAdmin, displayName: 'Local benchmark admin' },
  );
  const localAdminToken = (await api.login(localAdmin.email, localAdmin.password, 'bench-setup'))
    .accessToken;
  const password = randomBytes(12).toString('base64url');
  const local: Person[] = new Array(count);
  await inParallel(count, 4, async (index) => {
    const email = `person-${index}@${localDomain}`;
    await api.call('POST', '/users', 201, {
      token: localAdminToken,
      body: { email, displayName: `Person ${index}`, password },
    });
    local[index] = { email, password };
  });

  return { mail: mailPeople, local };
}

/**
 * Turns on the second factor the way a person does: signed in on the web and
 * in the Confer app (two sessions), the web asks for an enrolment, the app
 * reads the QR code's URI and binds itself with the binding token, then the
 * web confirms with the app's first code. That code's time step is spent.
 */
export async function enrol(api: GatewayApi, person: Person): Promise<void> {
  const web = await api.login(person.email, person.password, 'bench web');
  const phone = await api.login(person.email, person.password, 'bench phone');
  const enrolment = await api.call<{ otpauthUri: string }>('POST', '/auth/2fa/enrolment', 201, {
    token: web.accessToken,
  });
  const app = Authenticator.fromUri(enrolment.otpauthUri);
  await api.call('POST', '/auth/2fa/binding', 200, {
    token: phone.accessToken,
    body: { bindingToken: app.bindingToken, deviceName: 'bench phone' },
  });
  const code = await waitForCode(app);
  const status = await api.call<{ enabled: boolean }>('POST', '/auth/2fa/enrolment/confirm', 200, {
    token: web.accessToken,
    body: { code },
  });
  if (!status.enabled) {
    throw new Error(`the second factor of ${person.email} is not on after confirming`);
  }
  person.app = app;
  await api.call('POST', '/auth/logout', 204, { token: web.accessToken });
}

/** The current step's code, or the next step's once it starts. */
export async function waitForCode(app: Authenticator): Promise<string> {
  for (;;) {
    const code = app.takeCurrentCode();
    if (code) {
      return code;
    }
    await sleep(app.msToNextStep() + 20);
  }
}

/**
 * The full sign-in with a second factor, as a client makes it: the password
 * login answers a session owing its factor, the code passes it, and the
 * passed session's token is accepted by `GET /me`. Each part is timed.
 */
export async function signInWithCode(
  api: GatewayApi,
  person: Person,
  code: string,
): Promise<Record<string, number>> {
  const started = performance.now();
  const pending = await api.login(person.email, person.password, 'bench laptop');
  const loggedIn = performance.now();
  if (pending.secondFactor !== 'pending') {
    throw new Error(`login of ${person.email} owes ${pending.secondFactor}, not the code`);
  }
  const passed = await api.call<Grant>('POST', '/auth/2fa/challenge/code', 200, {
    token: pending.accessToken,
    body: { code },
  });
  const coded = performance.now();
  const me = await api.call<{ id: string }>('GET', '/me', 200, { token: passed.accessToken });
  const done = performance.now();
  if (me.id !== pending.userId) {
    throw new Error(`GET /me answered another user than ${person.email}`);
  }

  return { login: loggedIn - started, code: coded - loggedIn, me: done - coded };
}

export async function inParallel(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      await task(next++);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
