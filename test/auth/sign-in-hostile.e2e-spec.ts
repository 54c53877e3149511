// Sign-in through the gateway, attacked: another organisation's administrator
// pointing a domain at a mail server that says yes to everyone, address
// spellings the directory folds into one to earn fresh attempts, two refreshes
// racing with one token, tokens of an ended session (HTTP, WebSocket upgrade,
// an open socket), and the apps' logs searched for the secrets sent.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { domainToASCII } from 'node:url';

import { ClientGrpc, ClientProxyFactory } from '@nestjs/microservices';

import { grpcClientOptions, serviceClient, SYSTEM_USER_ID, systemCaller } from '@confer/grpc';
import { auth, contacts } from '@confer/proto';
import { YesImapServer } from '@confer/testing';

import {
  ApiClient,
  ApiErrorBody,
  createUser,
  expectStatus,
  LiveSocket,
  signInAdmin,
  useStack,
} from '../support';

interface Grant {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  userId: string;
  orgId: string;
}

const SECONDS = 1000;
const system = () => systemCaller(SYSTEM_USER_ID, randomUUID());

describe('sign-in, attacked', () => {
  const stack = useStack();
  const grpc: Array<ClientGrpc & { close(): void }> = [];
  /** Every secret this spec sent or received: none may reach a log. */
  const secrets = new Set<string>();
  let admin: ApiClient;
  let anon: ApiClient;

  function client<T extends object>(key: 'contacts' | 'auth', app: string) {
    const proxy = ClientProxyFactory.create(
      grpcClientOptions(key, stack().apps[app].grpcUrl!),
    ) as unknown as ClientGrpc & { close(): void };
    grpc.push(proxy);

    return serviceClient<T>(proxy, key);
  }

  beforeAll(async () => {
    admin = await signInAdmin(stack().gatewayUrl);
    anon = new ApiClient(stack().gatewayUrl);
  });

  afterAll(() => {
    grpc.forEach((proxy) => proxy.close());
  });

  async function login(email: string, password: string) {
    secrets.add(password);
    const response = await anon.post<Grant & ApiErrorBody>('/auth/login', {
      email,
      password,
      deviceName: 'hostile e2e',
    });
    if (response.status === 200) {
      secrets.add(response.body.accessToken);
      secrets.add(response.body.refreshToken);
    }

    return response;
  }

  async function refresh(refreshToken: string) {
    const response = await anon.post<Grant & ApiErrorBody>('/auth/refresh', { refreshToken });
    if (response.status === 200) {
      secrets.add(response.body.accessToken);
      secrets.add(response.body.refreshToken);
    }

    return response;
  }

  function apiOf(grant: Grant): ApiClient {
    return new ApiClient(stack().gatewayUrl, grant.accessToken, grant.userId);
  }

  describe("a domain another organisation's administrator took", () => {
    const yes = new YesImapServer();
    const victimDomain = `victim-${randomUUID().slice(0, 8)}.example`;
    const victimPassword = `victim-local-${randomUUID()}`;
    let victim: contacts.User;
    let attacker: ApiClient;

    beforeAll(async () => {
      await yes.start();
      const directory = client<contacts.ContactsServiceClient>('contacts', 'contacts');
      const issuer = client<auth.AuthServiceClient>('auth', 'auth-2fa');
      // A: signs in with local passwords and never set a mail server for its domain.
      const orgA = await directory.createOrganisation(system(), {
        name: 'Victim Ltd',
        domain: victimDomain,
        id: '',
      });
      victim = await directory.createUser(system(), {
        orgId: orgA.id,
        email: `ceo@${victimDomain}`,
        displayName: 'Victim CEO',
        roles: ['org_admin'],
      });
      await issuer.setPassword(system(), { userId: victim.id, password: victimPassword });
      secrets.add(victimPassword);
      // B: any organisation with an administrator.
      const attackerDomain = `attacker-${randomUUID().slice(0, 8)}.example`;
      const orgB = await directory.createOrganisation(system(), {
        name: 'Attacker Ltd',
        domain: attackerDomain,
        id: '',
      });
      const attackerAdmin = await directory.createUser(system(), {
        orgId: orgB.id,
        email: `admin@${attackerDomain}`,
        displayName: 'Attacker admin',
        roles: ['org_admin'],
      });
      const attackerPassword = `attacker-${randomUUID()}`;
      await issuer.setPassword(system(), { userId: attackerAdmin.id, password: attackerPassword });
      secrets.add(attackerPassword);
      attacker = await ApiClient.login(
        stack().gatewayUrl,
        `admin@${attackerDomain}`,
        attackerPassword,
      );
      // Nothing proves a domain is whose, so B may hold A's domain.
      expectStatus(
        await attacker.request('PUT', `/admin/mail-domains/${victimDomain}`, {
          host: '127.0.0.1',
          port: yes.port,
          tls: 'none',
        }),
        200,
      );
    });

    afterAll(async () => {
      await attacker?.delete(`/admin/mail-domains/${victimDomain}`);
      await yes.stop();
    });

    it("does not let B's mail server vouch for a password of A's person", async () => {
      const before = yes.logins;

      const response = await login(`ceo@${victimDomain}`, 'whatever B likes');

      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('auth.bad_credentials');
      expect(yes.logins).toBe(before);
    });

    it("still signs A's person in with the local password", async () => {
      const grant = expectStatus(await login(`ceo@${victimDomain}`, victimPassword), 200);

      expect(grant.userId).toBe(victim.id);
    });
  });

  it('counts attempts at one account under every spelling the directory folds into its address', async () => {
    const user = await createUser(admin);
    secrets.add(user.password);
    const [local, domain] = user.email.split('@');
    // A soft hyphen anywhere in the domain is mapped away by IDNA (UTS 46), as
    // is a full stop of another script between labels.
    const spellings = [...domain].flatMap((char, index) =>
      index > 0 && char !== '.' && domain[index - 1] !== '.'
        ? [`${local}@${domain.slice(0, index)}\u00ad${domain.slice(index)}`]
        : [],
    );
    spellings.push(`${local}@${domain.replace('.', '\u3002')}`);
    expect(spellings.length).toBeGreaterThan(7);
    for (const spelling of spellings) {
      const at = spelling.lastIndexOf('@');
      expect(domainToASCII(spelling.slice(at + 1))).toBe(domain);
    }

    const answers = [];
    for (const spelling of spellings.slice(0, 7)) {
      answers.push(await login(spelling, 'wrong-password'));
    }

    // Five free attempts per address and IP, the sixth earns a delay: the seventh waits.
    expect(answers.slice(0, 6).map((answer) => answer.status)).toEqual([
      401, 401, 401, 401, 401, 401,
    ]);
    expect(answers[6].status).toBe(429);
    expect(answers[6].body.error.code).toBe('auth.too_many_attempts');
    const wait = Number(answers[6].headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, wait * SECONDS + 200));
    expectStatus(await login(user.email, user.password), 200);
  });

  it('checks no more passwords than the limits allow when guesses arrive all at once', async () => {
    const user = await createUser(admin);
    const guesses = Array.from({ length: 30 }, (_, index) => `guess-${index}-${randomUUID()}`);

    const started = Date.now();
    const answers = await Promise.all(guesses.map((guess) => login(user.email, guess)));
    const elapsedSeconds = (Date.now() - started) / SECONDS;

    const statuses = answers.map((answer) => answer.status);
    // Five free attempts and a sixth that earns a delay (1 s, doubling), as one
    // after another. The burst queues for seconds, and attempts made one after
    // another over that time would see delays of 1, 2, 4 s run out: one more each.
    const checked = statuses.filter((status) => status === 401).length;
    expect(checked).toBeGreaterThanOrEqual(6);
    expect(checked).toBeLessThanOrEqual(6 + Math.floor(Math.log2(elapsedSeconds + 1)));
    expect(statuses.filter((status) => status === 429)).toHaveLength(30 - checked);
    for (const answer of answers.filter((candidate) => candidate.status === 429)) {
      expect(answer.body.error.code).toBe('auth.too_many_attempts');
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    // Once the delay has passed, the owner signs in.
    const wait = Math.max(...answers.map((answer) => Number(answer.headers.get('retry-after'))));
    await new Promise((resolve) => setTimeout(resolve, wait * SECONDS + 200));
    expectStatus(await login(user.email, user.password), 200);
  });

  describe('refresh', () => {
    it('lets exactly one of two refreshes racing with one token win, then ends the session', async () => {
      const user = await createUser(admin);
      const first = expectStatus(await login(user.email, user.password), 200);

      const answers = await Promise.all([refresh(first.refreshToken), refresh(first.refreshToken)]);

      const statuses = answers.map((answer) => answer.status).sort();
      expect(statuses).toEqual([200, 401]);
      const loser = answers.find((answer) => answer.status === 401)!;
      expect(loser.body.error.code).toBe('auth.refresh_reused');
      const winner = answers.find((answer) => answer.status === 200)!.body;
      // Two parties held the token: the winner's grant ends with the session.
      const next = await refresh(winner.refreshToken);
      expect(next.status).toBe(401);
      expect(next.body.error.code).toBe('auth.session_ended');
    });

    it('refuses a refresh after signing out, and the spent token of the old grant', async () => {
      const user = await createUser(admin);
      const grant = expectStatus(await login(user.email, user.password), 200);
      expect((await apiOf(grant).post('/auth/logout')).status).toBe(204);

      const after = await refresh(grant.refreshToken);

      expect(after.status).toBe(401);
      expect(after.body.error.code).toBe('auth.session_ended');
      expect((await apiOf(grant).get<ApiErrorBody>('/auth/sessions')).body.error.code).toBe(
        'auth.session_ended',
      );
    });

    it('refuses a refresh token as a bearer token, and an access token as a refresh token', async () => {
      const user = await createUser(admin);
      const grant = expectStatus(await login(user.email, user.password), 200);

      const asBearer = await new ApiClient(
        stack().gatewayUrl,
        grant.refreshToken,
      ).get<ApiErrorBody>('/auth/sessions');
      const asRefresh = await anon.post<ApiErrorBody>('/auth/refresh', {
        refreshToken: grant.accessToken,
      });

      expect(asBearer.status).toBe(401);
      expect(asBearer.body.error.code).toBe('auth.token_invalid');
      expect(asRefresh.status).toBe(400);
      expect(asRefresh.body.error.code).toBe('request.invalid');
      expectStatus(await refresh(grant.refreshToken), 200);
    });
  });

  describe('an ended session', () => {
    it('is refused at the WebSocket upgrade and closes a socket already open', async () => {
      const user = await createUser(admin);
      const grant = expectStatus(await login(user.email, user.password), 200);
      const open = await LiveSocket.open(stack().gatewayUrl, grant.accessToken);
      expect((await apiOf(grant).post('/auth/logout')).status).toBe(204);

      expect(await open.waitClosed(10 * SECONDS)).toEqual({ code: 4401, reason: 'session ended' });
      for (const header of [true, false]) {
        const late = await LiveSocket.connect(stack().gatewayUrl, {
          token: grant.accessToken,
          header,
        });
        expect((await late.waitClosed(10 * SECONDS)).code).toBe(4401);
      }
    });

    it("cannot be another person's to end, nor listed to them", async () => {
      const [owner, other] = await Promise.all([createUser(admin), createUser(admin)]);
      const ownerGrant = expectStatus(await login(owner.email, owner.password), 200);
      const otherGrant = expectStatus(await login(other.email, other.password), 200);

      const ended = await apiOf(otherGrant).delete<ApiErrorBody>(
        `/auth/sessions/${ownerGrant.sessionId}`,
      );
      const listed = expectStatus(
        await apiOf(otherGrant).get<{ items: Array<{ id: string }> }>('/auth/sessions'),
        200,
      );

      expect(ended.status).toBe(404);
      expect(ended.body.error.code).toBe('session.not_found');
      const listedIds = listed.items.map((item) => item.id);
      expect(listedIds).toContain(otherGrant.sessionId);
      expect(listedIds).not.toContain(ownerGrant.sessionId);
      expectStatus(await apiOf(ownerGrant).get('/auth/sessions'), 200);
      expectStatus(await refresh(ownerGrant.refreshToken), 200);
    });
  });

  it('writes no password, access token or refresh token to any log', async () => {
    // Give the apps a moment to flush what the cases above made them log.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const leaks: string[] = [];
    let lines = 0;
    for (const [name, app] of Object.entries(stack().apps)) {
      if (!app.logFile) {
        continue;
      }
      const log = readFileSync(app.logFile, 'utf8');
      lines += log.split('\n').length;
      for (const secret of secrets) {
        // The JWT's signature is its secret part: a logged token would contain it.
        const needle = secret.includes('.') ? secret.split('.')[2] : secret;
        if (needle.length >= 8 && log.includes(needle)) {
          leaks.push(`${name}: ${secret.slice(0, 12)}…`);
        }
      }
    }

    expect(secrets.size).toBeGreaterThan(10);
    expect(lines).toBeGreaterThan(100);
    expect(leaks).toEqual([]);
  });
});
