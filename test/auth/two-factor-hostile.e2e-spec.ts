// Two-factor sign-in under attack and under demanding use, through the gateway
// only. The attacker knows a person's password (so holds sessions that owe
// their second factor), or is another person of the same organisation. A
// session owing its second factor must reach nothing but its challenge, however
// the path or method is spelled; one person's enrolment, approvals and devices
// are out of another's reach; an approval is read only by the session that
// asked and the bound app; an app whose session has ended cannot become the
// approving device; people who first sign in after their organisation turned
// the requirement on can still enrol; the QR code's URI escapes an issuer with
// spaces and an address with unusual characters the way authenticator apps
// read them.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';

import { DEMO_ADMIN, DEMO_PASSWORD } from '@confer/stack';

import {
  ApiClient,
  ApiErrorBody,
  Authenticator,
  expectStatus,
  LiveSocket,
  useStack,
} from '../support';

jest.setTimeout(180_000);

const ISSUER = 'Confer Cloud & Co: Test';

interface Grant {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  userId: string;
  secondFactor: 'not_required' | 'pending' | 'enrolment_required';
}

interface PassedGrant {
  accessToken: string;
  refreshToken: string;
  trustedDeviceToken?: string;
}

interface Enrolment {
  otpauthUri: string;
  bindingToken: string;
}

interface Status {
  enabled: boolean;
  enrolmentPending: boolean;
  boundDeviceName: string;
}

interface Approval {
  id: string;
  status: string;
  purpose: string;
}

interface Person {
  id: string;
  email: string;
  password: string;
}

interface Device {
  grant: Grant;
  api: ApiClient;
}

describe('two-factor sign-in under attack', () => {
  const stack = useStack({
    own: true,
    appEnv: () => ({ 'auth-2fa': { TWO_FACTOR_ISSUER: ISSUER } }),
  });
  const sockets: LiveSocket[] = [];
  /** Trusted-device and binding tokens handed out: none may reach a log or the audit trail. */
  const secrets = new Set<string>();
  let aliceAudit: ApiClient | undefined;
  let admin: ApiClient;
  let anon: ApiClient;

  beforeAll(async () => {
    admin = await ApiClient.login(stack().gatewayUrl, DEMO_ADMIN.email, DEMO_PASSWORD);
    anon = new ApiClient(stack().gatewayUrl);
  });

  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.close()));
  });

  async function person(local = `tf.${randomUUID().slice(0, 8)}`): Promise<Person> {
    const email = `${local}@demo.confer.example`;
    const password = `pw-${randomUUID()}`;
    const created = expectStatus(
      await admin.post<{ id: string }>('/users', {
        email,
        displayName: `Hostile ${local}`,
        password,
      }),
      201,
    );

    return { id: created.id, email, password };
  }

  async function signIn(who: Person, deviceName: string, trustedDeviceToken?: string) {
    const grant = expectStatus(
      await anon.post<Grant>('/auth/login', {
        email: who.email,
        password: who.password,
        deviceName,
        ...(trustedDeviceToken ? { trustedDeviceToken } : {}),
      }),
      200,
    );

    return { grant, api: new ApiClient(stack().gatewayUrl, grant.accessToken) } satisfies Device;
  }

  function passed(device: Device, grant: PassedGrant): Device {
    return {
      grant: { ...device.grant, ...grant },
      api: new ApiClient(stack().gatewayUrl, grant.accessToken),
    };
  }

  async function status(api: ApiClient): Promise<Status> {
    return expectStatus(await api.get<Status>('/auth/2fa'), 200);
  }

  /** A person with the second factor on: a web session, the bound phone and its authenticator. */
  async function enrolled(who: Person) {
    const web = await signIn(who, 'Web');
    const phone = await signIn(who, 'Phone');
    const enrolment = expectStatus(await web.api.post<Enrolment>('/auth/2fa/enrolment'), 201);
    const app = Authenticator.fromUri(enrolment.otpauthUri);
    expectStatus(
      await phone.api.post('/auth/2fa/binding', { bindingToken: app.bindingToken }),
      200,
    );
    expectStatus(
      await web.api.post('/auth/2fa/enrolment/confirm', { code: await app.nextCode() }),
      200,
    );

    return { web, phone, app };
  }

  /** One request sent with the path exactly as written (no URL normalisation by the client). */
  function raw(
    method: string,
    path: string,
    token: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; text: string }> {
    const url = new URL(stack().gatewayUrl);

    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          method,
          path,
          headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...headers },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        },
      );
      outgoing.on('error', reject);
      outgoing.end();
    });
  }

  describe('a session that owes its second factor', () => {
    let owner: Awaited<ReturnType<typeof enrolled>>;
    let victim: Person;

    beforeAll(async () => {
      victim = await person();
      owner = await enrolled(victim);
    });

    it('reaches nothing else through path, case, encoding or method tricks', async () => {
      const attacker = await signIn(victim, 'Attacker');
      expect(attacker.grant.secondFactor).toBe('pending');
      const token = attacker.grant.accessToken;
      const attempts: Array<[string, string, Record<string, string>?]> = [
        ['GET', '/api/v1/me/audit'],
        ['GET', '/api/v1/me/audit/'],
        ['GET', '/API/V1/ME/AUDIT'],
        ['GET', '//api/v1/me/audit'],
        ['HEAD', '/api/v1/me/audit'],
        ['GET', '/api/v1/auth/2fa/challenge/../../../me/audit'],
        ['GET', '/api/v1/auth/2fa/challenge/%2e%2e/%2e%2e/%2e%2e/me/audit'],
        ['GET', '/api/v1/auth/2fa/challenge%2F..%2F..%2F..%2Fme/audit'],
        ['GET', '/api/v1/auth/2fa/challenge/push/..%2F..%2F..%2Ftrusted-devices'],
        ['GET', '/api/v1/auth/2fa/CHALLENGE/../trusted-devices'],
        ['GET', '/api/v1/auth/2fa/trusted-devices', { 'x-http-method-override': 'POST' }],
        ['POST', '/api/v1/auth/logout/../2fa/disable'],
        ['POST', '/api/v1/auth/2fa/disable', { 'x-http-method-override': 'POST' }],
        ['POST', '/api/v1/auth/2fa/binding/'],
        ['DELETE', '/api/v1/auth/2fa/trusted-devices'],
        ['GET', '/api/v1/auth/sessions'],
        ['GET', '/api/v1/auth/2fa'],
        ['POST', '/api/v1/auth/2fa/enrolment'],
      ];

      const answers = await Promise.all(
        attempts.map(async ([method, path, headers]) => ({
          method,
          path,
          ...(await raw(method, path, token, headers)),
        })),
      );

      for (const answer of answers) {
        // Refused by the gate, or no route at all: never an answer with data.
        expect({ ...answer, ok: [403, 404].includes(answer.status) }).toMatchObject({
          ok: true,
        });
        // A HEAD answer has no body to read the code from.
        if (answer.status === 403 && answer.method !== 'HEAD') {
          expect(JSON.parse(answer.text).error.code).toBe('auth.second_factor_required');
        }
      }
      // The trusted devices and 2FA state are as before; nothing was disabled.
      await expect(status(owner.web.api)).resolves.toMatchObject({ enabled: true });
      const byHeader = await LiveSocket.connect(stack().gatewayUrl, { token, header: true });
      expect((await byHeader.waitClosed()).code).toBe(4401);
      const byQuery = await LiveSocket.connect(stack().gatewayUrl, { token });
      expect((await byQuery.waitClosed()).code).toBe(4401);
    });

    it('still lets no session that owes its second factor bind the app', async () => {
      const who = await person();
      const { app } = await enrolled(who);
      const pending = await signIn(who, 'Pending');
      const bind = await pending.api.post<ApiErrorBody>('/auth/2fa/binding', {
        bindingToken: app.bindingToken,
      });

      expect(bind.status).toBe(403);
      expect(bind.body.error.code).toBe('auth.second_factor_required');
    });

    it('does not become passed by refreshing', async () => {
      const attacker = await signIn(victim, 'Refresher');
      const refreshed = expectStatus(
        await anon.post<Grant>('/auth/refresh', { refreshToken: attacker.grant.refreshToken }),
        200,
      );
      const after = new ApiClient(stack().gatewayUrl, refreshed.accessToken);

      expect(refreshed.secondFactor).toBe('pending');
      const elsewhere = await after.get<ApiErrorBody>('/me/audit');
      expect(elsewhere.status).toBe(403);
      expect(elsewhere.body.error.code).toBe('auth.second_factor_required');
    });

    it('cannot read another session’s approval requests, only its own', async () => {
      const asking = await signIn(victim, 'Office PC');
      const approval = expectStatus(
        await asking.api.post<Approval>('/auth/2fa/challenge/push', {}),
        201,
      );
      const disable = expectStatus(await owner.web.api.post<Approval>('/auth/2fa/disable'), 202);
      const attacker = await signIn(victim, 'Attacker');

      const peeks = await Promise.all(
        [approval.id, disable.id].map((id) =>
          attacker.api.get<ApiErrorBody>(`/auth/2fa/challenge/push/${id}`),
        ),
      );
      const exchange = await attacker.api.post<ApiErrorBody>(
        `/auth/2fa/challenge/push/${approval.id}/exchange`,
      );

      for (const peek of peeks) {
        expect(peek.status).toBe(404);
        expect(peek.body.error.code).toBe('two_factor.approval_not_found');
      }
      expect(exchange.status).toBe(404);
      // The session that asked and the bound app still see it.
      expect(
        expectStatus(await asking.api.get<Approval>(`/auth/2fa/challenge/push/${approval.id}`), 200)
          .status,
      ).toBe('pending');
      expect(
        expectStatus(
          await owner.phone.api.get<Approval>(`/auth/2fa/challenge/push/${disable.id}`),
          200,
        ).purpose,
      ).toBe('disable');
      // Refused, so the second factor stays on for the rest of this file.
      expectStatus(
        await owner.phone.api.post(`/auth/2fa/approvals/${disable.id}`, { approve: false }),
        200,
      );
    });

    it('cannot exchange a disable approval as a sign-in, even one the app granted', async () => {
      const other = await person();
      const second = await enrolled(other);
      const disable = expectStatus(await second.web.api.post<Approval>('/auth/2fa/disable'), 202);
      const attacker = await signIn(other, 'Attacker');

      const asSignIn = await attacker.api.post<ApiErrorBody>(
        `/auth/2fa/challenge/push/${disable.id}/exchange`,
      );
      expectStatus(
        await second.phone.api.post(`/auth/2fa/approvals/${disable.id}`, { approve: true }),
        200,
      );
      const afterGrant = await attacker.api.post<ApiErrorBody>(
        `/auth/2fa/challenge/push/${disable.id}/exchange`,
      );

      expect(asSignIn.status).toBe(404);
      expect(afterGrant.status).toBe(404);
      await expect(attacker.api.get('/me/audit')).resolves.toMatchObject({ status: 403 });
    });
  });

  describe('another person of the same organisation', () => {
    it('cannot bind to, answer for or sign in with what is someone else’s', async () => {
      const alice = await person();
      const mallory = await person();
      const aliceWeb = await signIn(alice, 'Alice web');
      const aliceEnrolment = expectStatus(
        await aliceWeb.api.post<Enrolment>('/auth/2fa/enrolment'),
        201,
      );
      const malloryPhone = await signIn(mallory, 'Mallory phone');

      const bind = await malloryPhone.api.post<ApiErrorBody>('/auth/2fa/binding', {
        bindingToken: aliceEnrolment.bindingToken,
      });
      expect(bind.status).toBe(404);
      expect(bind.body.error.code).toBe('two_factor.binding_not_found');
      await expect(status(aliceWeb.api)).resolves.toMatchObject({
        enabled: false,
        enrolmentPending: true,
      });

      const aliceSetup = await enrolled(alice);
      const aliceLaptop = await signIn(alice, 'Alice laptop');
      const laptopGrant = expectStatus(
        await aliceLaptop.api.post<PassedGrant>('/auth/2fa/challenge/code', {
          code: await aliceSetup.app.nextCode(),
          trustDevice: true,
        }),
        200,
      );
      const approval = expectStatus(
        await (await signIn(alice, 'Alice tablet')).api.post<Approval>('/auth/2fa/challenge/push'),
        201,
      );
      const malloryWithAliceDevice = await signIn(
        mallory,
        'Mallory laptop',
        laptopGrant.trustedDeviceToken,
      );
      const answer = await malloryPhone.api.post<ApiErrorBody>(
        `/auth/2fa/approvals/${approval.id}`,
        { approve: true },
      );
      const revoke = await malloryPhone.api.delete<ApiErrorBody>(
        `/auth/2fa/trusted-devices/${(await aliceTrusted(passed(aliceLaptop, laptopGrant)))[0].id}`,
      );

      secrets.add(laptopGrant.trustedDeviceToken!);
      secrets.add(aliceEnrolment.bindingToken);
      aliceAudit = passed(aliceLaptop, laptopGrant).api;
      expect(laptopGrant.trustedDeviceToken).toEqual(expect.any(String));
      // Mallory has no second factor: the stolen device token changes nothing for her.
      expect(malloryWithAliceDevice.grant.secondFactor).toBe('not_required');
      expect(answer.status).toBe(404);
      expect(revoke.status).toBe(404);
      expect(
        expectStatus(
          await aliceSetup.phone.api.get<Approval>(`/auth/2fa/challenge/push/${approval.id}`),
          200,
        ).status,
      ).toBe('pending');
      expect(await aliceTrusted(passed(aliceLaptop, laptopGrant))).toHaveLength(1);

      // And the other way round: Alice's trusted-device token does not excuse Mallory's factor.
      const malloryWeb = await signIn(mallory, 'Mallory web');
      await enrolledFrom(mallory, malloryWeb);
      const withAlices = await signIn(mallory, 'Mallory again', laptopGrant.trustedDeviceToken);
      expect(withAlices.grant.secondFactor).toBe('pending');
    });

    async function aliceTrusted(device: Device): Promise<Array<{ id: string }>> {
      return expectStatus(
        await device.api.get<{ items: Array<{ id: string }> }>('/auth/2fa/trusted-devices'),
        200,
      ).items;
    }

    async function enrolledFrom(who: Person, web: Device): Promise<void> {
      const phone = await signIn(who, 'Second phone');
      const enrolment = expectStatus(await web.api.post<Enrolment>('/auth/2fa/enrolment'), 201);
      const app = Authenticator.fromUri(enrolment.otpauthUri);
      expectStatus(
        await phone.api.post('/auth/2fa/binding', { bindingToken: app.bindingToken }),
        200,
      );
      expectStatus(
        await web.api.post('/auth/2fa/enrolment/confirm', { code: await app.nextCode() }),
        200,
      );
    }
  });

  it('writes no trusted-device or binding token to the logs or the audit trail', async () => {
    const trail = JSON.stringify(
      expectStatus(await aliceAudit!.get<{ items: unknown[] }>('/me/audit?limit=200'), 200),
    );
    const logs = ['gateway', 'auth-2fa']
      .map((app) => readFileSync(stack().apps[app].logFile!, 'utf8'))
      .join('\n');

    expect(trail).toContain('two_factor.device_trusted');
    expect(secrets.size).toBe(2);
    for (const secret of secrets) {
      expect({ inLogs: logs.includes(secret), inTrail: trail.includes(secret) }).toEqual({
        inLogs: false,
        inTrail: false,
      });
    }
  });

  describe('enrolment', () => {
    it('refuses to turn on with an app whose session has ended, which could never approve', async () => {
      const who = await person();
      const web = await signIn(who, 'Web');
      const phone = await signIn(who, 'Old phone');
      const enrolment = expectStatus(await web.api.post<Enrolment>('/auth/2fa/enrolment'), 201);
      const app = Authenticator.fromUri(enrolment.otpauthUri);
      expectStatus(
        await phone.api.post('/auth/2fa/binding', { bindingToken: app.bindingToken }),
        200,
      );
      expectStatus(await phone.api.post('/auth/logout'), 204);

      const confirm = await web.api.post<ApiErrorBody>('/auth/2fa/enrolment/confirm', {
        code: await app.nextCode(),
      });

      expect(confirm.status).toBe(409);
      expect(confirm.body.error.code).toBe('two_factor.app_not_bound');
      await expect(status(web.api)).resolves.toMatchObject({
        enabled: false,
        enrolmentPending: true,
      });
      expect((await signIn(who, 'Later')).grant.secondFactor).toBe('not_required');

      // Scanning again with a signed-in app works.
      const newPhone = await signIn(who, 'New phone');
      const again = expectStatus(await web.api.post<Enrolment>('/auth/2fa/enrolment'), 201);
      const newApp = Authenticator.fromUri(again.otpauthUri);
      expectStatus(
        await newPhone.api.post('/auth/2fa/binding', { bindingToken: newApp.bindingToken }),
        200,
      );
      const oldSecret = await web.api.post<ApiErrorBody>('/auth/2fa/enrolment/confirm', {
        code: await app.nextCode(),
      });
      expect(oldSecret.status).toBe(422);
      expect(
        expectStatus(
          await web.api.post<Status>('/auth/2fa/enrolment/confirm', {
            code: await newApp.nextCode(),
          }),
          200,
        ),
      ).toMatchObject({ enabled: true, boundDeviceName: 'New phone' });
    });

    it('writes an issuer with spaces and an address with + and an apostrophe as apps read them', async () => {
      const who = await person(`o'brien+2fa.${randomUUID().slice(0, 6)}`);
      const web = await signIn(who, 'Web');

      const { otpauthUri } = expectStatus(
        await web.api.post<Enrolment>('/auth/2fa/enrolment'),
        201,
      );
      const app = Authenticator.fromUri(otpauthUri);
      const query = otpauthUri.slice(otpauthUri.indexOf('?') + 1);

      // Key Uri Format: percent-encoding throughout, a space is %20 (apps show a + as a +).
      expect(query).not.toContain('+');
      expect(query).toContain(`issuer=${encodeURIComponent(ISSUER)}`);
      expect(otpauthUri.startsWith(`otpauth://totp/${encodeURIComponent(ISSUER)}:`)).toBe(true);
      expect(app.issuer).toBe(ISSUER);
      expect(app.label).toBe(`${ISSUER}:${who.email}`);
    });
  });

  describe('an organisation that requires the second factor', () => {
    afterAll(async () => {
      await admin.request('PATCH', '/admin/settings', { twoFactorRequired: false });
    });

    it('lets a person who first signs in after it was turned on enrol with the app', async () => {
      const who = await person();
      expectStatus(
        await admin.request('PATCH', '/admin/settings', { twoFactorRequired: true }),
        200,
      );
      const web = await signIn(who, 'Chrome');
      const phone = await signIn(who, 'Confer for iOS');
      expect([web.grant.secondFactor, phone.grant.secondFactor]).toEqual([
        'enrolment_required',
        'enrolment_required',
      ]);

      const enrolment = expectStatus(await web.api.post<Enrolment>('/auth/2fa/enrolment'), 201);
      const app = Authenticator.fromUri(enrolment.otpauthUri);
      const bound = await phone.api.post<{ deviceName: string }>('/auth/2fa/binding', {
        bindingToken: app.bindingToken,
      });
      expect(bound.status).toBe(200);
      expect(bound.body.deviceName).toBe('Confer for iOS');
      expectStatus(
        await web.api.post('/auth/2fa/enrolment/confirm', { code: await app.nextCode() }),
        200,
      );
      // The app cannot answer for anyone before its own sign-in has passed.
      const laptop = await signIn(who, 'Laptop');
      const approval = expectStatus(
        await laptop.api.post<Approval>('/auth/2fa/challenge/push', {}),
        201,
      );
      const early = await phone.api.post<ApiErrorBody>(`/auth/2fa/approvals/${approval.id}`, {
        approve: true,
      });
      expect(early.status).toBe(403);
      expect(early.body.error.code).toBe('auth.enrolment_required');
      // Both pass their factor with codes; the app can then answer approvals.
      const webThrough = passed(
        web,
        expectStatus(
          await web.api.post<PassedGrant>('/auth/2fa/challenge/code', {
            code: await app.nextCode(),
          }),
          200,
        ),
      );
      const phoneThrough = passed(
        phone,
        expectStatus(
          await phone.api.post<PassedGrant>('/auth/2fa/challenge/code', {
            code: await app.nextCode(),
          }),
          200,
        ),
      );
      expect(
        expectStatus(await laptop.api.get<Approval>(`/auth/2fa/challenge/push/${approval.id}`), 200)
          .status,
      ).toBe('pending');
      expectStatus(
        await phoneThrough.api.post(`/auth/2fa/approvals/${approval.id}`, { approve: true }),
        200,
      );
      const laptopThrough = passed(
        laptop,
        expectStatus(
          await laptop.api.post<PassedGrant>(`/auth/2fa/challenge/push/${approval.id}/exchange`),
          200,
        ),
      );

      expect(laptop.grant.secondFactor).toBe('pending');
      expectStatus(await webThrough.api.get('/me/audit'), 200);
      expectStatus(await laptopThrough.api.get('/me/audit'), 200);
      await expect(status(webThrough.api)).resolves.toMatchObject({
        enabled: true,
        boundDeviceName: 'Confer for iOS',
      });
    });
  });
});
