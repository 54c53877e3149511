// Two-factor sign-in through the gateway only, the product's acceptance test
// for signing in: a person signs in with their mail account (the real Dovecot,
// configured through the admin API), enrols by scanning the QR code with the
// Confer app (a second session of theirs, simulated), then signs in with a
// code, with an approval pushed to the app's live socket, from a trusted
// computer, and turns the second factor off with the app's approval; every
// step is on their audit trail. Each refusal is shown to change nothing. An
// organisation that requires the second factor makes its people enrol first.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

import * as QRCode from 'qrcode';

import { testMailServer } from '@confer/testing';

import {
  ApiClient,
  ApiErrorBody,
  Authenticator,
  expectStatus,
  LiveFrame,
  LiveSocket,
  setUpMailOrganisation,
  useStack,
} from '../support';

jest.setTimeout(180_000);

/** Short, so that an expired request can be shown without a long wait. */
const APPROVAL_TTL_SECONDS = 5;
const mail = testMailServer();

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
  userId: string;
  trustedDeviceToken?: string;
  trustedDeviceId?: string;
}

interface Enrolment {
  enrolmentId: string;
  otpauthUri: string;
  qrPng: string;
  qrSvg: string;
  bindingToken: string;
  expiresAt: string;
}

interface Status {
  enabled: boolean;
  enrolmentPending: boolean;
  boundDeviceName: string;
  enrolledAt: string | null;
  requiredByOrganisation: boolean;
}

interface Approval {
  id: string;
  purpose: string;
  status: string;
  deviceName: string;
  clientIp: string;
  requestedAt: string;
  expiresAt: string;
}

interface AuditLine {
  action: string;
  subjectUserId: string | null;
  actorId: string;
  clientIp: string | null;
  details: Record<string, unknown>;
  occurredAt: string;
}

/** A signed-in device: its grant and an API client with its token. */
interface Device {
  grant: Grant;
  api: ApiClient;
}

describe('two-factor sign-in', () => {
  const stack = useStack({
    own: true,
    appEnv: () => ({
      'auth-2fa': { TWO_FACTOR_APPROVAL_TTL_SECONDS: String(APPROVAL_TTL_SECONDS) },
    }),
  });
  const sockets: LiveSocket[] = [];
  /** Everything secret the run handled: none may appear in a service's log. */
  const secrets = new Set<string>();
  let anon: ApiClient;
  let admin: ApiClient;

  beforeAll(async () => {
    anon = new ApiClient(stack().gatewayUrl);
    // Setting up: an organisation for the mail domain and its administrator,
    // who signs in with a local password. Everything after goes through the gateway.
    ({ admin } = await setUpMailOrganisation(stack(), {
      organisation: 'Two-Factor Confer Test',
      admin: 'Second factor admin',
    }));
  });

  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.close()));
  });

  /** Signs in with the mailbox password, as the device named. */
  async function signIn(
    who: 'alice' | 'bob',
    deviceName: string,
    trustedDeviceToken?: string,
  ): Promise<Device> {
    const grant = expectStatus(
      await anon.post<Grant>('/auth/login', {
        email: mail.accounts[who].address,
        password: mail.accounts[who].password,
        deviceName,
        ...(trustedDeviceToken ? { trustedDeviceToken } : {}),
      }),
      200,
    );
    secrets.add(grant.accessToken);
    secrets.add(grant.refreshToken);

    return { grant, api: new ApiClient(stack().gatewayUrl, grant.accessToken, grant.userId) };
  }

  function passed(device: Device, grant: PassedGrant): Device {
    secrets.add(grant.accessToken);
    secrets.add(grant.refreshToken);

    return {
      grant: { ...device.grant, ...grant },
      api: new ApiClient(stack().gatewayUrl, grant.accessToken),
    };
  }

  async function status(api: ApiClient): Promise<Status> {
    return expectStatus(await api.get<Status>('/auth/2fa'), 200);
  }

  async function openSocket(device: Device): Promise<LiveSocket> {
    const socket = await LiveSocket.open(stack().gatewayUrl, device.grant.accessToken);
    sockets.push(socket);

    return socket;
  }

  /** What a session owing something is told everywhere else: 403 with the code, socket refused. */
  async function expectLimited(device: Device, code: string): Promise<void> {
    const elsewhere = await device.api.get<ApiErrorBody>('/me/audit');
    const socket = await LiveSocket.connect(stack().gatewayUrl, {
      token: device.grant.accessToken,
      header: true,
    });
    const closed = await socket.waitClosed();

    expect({ status: elsewhere.status, code: elsewhere.body.error?.code }).toEqual({
      status: 403,
      code,
    });
    expect(elsewhere.body.error.message).toEqual(expect.any(String));
    expect(closed.code).toBe(4401);
    expect(socket.framesOf('ready')).toEqual([]);
  }

  async function code(app: Authenticator): Promise<string> {
    const next = await app.nextCode();
    secrets.add(next);

    return next;
  }

  /** Every line of the caller's own trail about the second factor, oldest first. */
  async function myTwoFactorTrail(api: ApiClient): Promise<AuditLine[]> {
    const lines: AuditLine[] = [];
    let cursor = '';
    for (;;) {
      const page = expectStatus(
        await api.get<{ items: AuditLine[]; nextCursor: string | null }>(
          `/me/audit?action=two_factor&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        ),
        200,
      );
      lines.push(...page.items);
      if (!page.nextCursor) {
        return lines.reverse();
      }
      cursor = page.nextCursor;
    }
  }

  async function trailHas(api: ApiClient, actions: string[]): Promise<AuditLine[]> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const lines = await myTwoFactorTrail(api);
      const seen = new Set(lines.map((line) => line.action));
      if (actions.every((action) => seen.has(action)) || Date.now() > deadline) {
        return lines;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  function approvalFrame(socket: LiveSocket, approvalId: string): Promise<LiveFrame> {
    return socket.next(
      (frame) =>
        frame.type === 'two_factor.approval_requested' &&
        (frame.data as { approvalId?: string }).approvalId === approvalId,
    );
  }

  describe('a person with a mail account', () => {
    let web: Device;
    let phone: Device;
    let phoneSocket: LiveSocket;
    let app: Authenticator;

    it('signs in with the mailbox password on the web and in the app, owing nothing yet', async () => {
      web = await signIn('alice', 'Firefox on the office PC');
      phone = await signIn('alice', 'Confer for Android');

      expect(web.grant.secondFactor).toBe('not_required');
      expect(phone.grant.secondFactor).toBe('not_required');
      await expect(status(web.api)).resolves.toMatchObject({
        enabled: false,
        enrolmentPending: false,
      });
    });

    it('enrols by scanning the QR code with the app: bind, then confirm with a first code', async () => {
      const enrolment = expectStatus(await web.api.post<Enrolment>('/auth/2fa/enrolment'), 201);
      secrets.add(enrolment.bindingToken);
      // The QR image encodes exactly the URI beside it.
      const expectedPng = await QRCode.toDataURL(enrolment.otpauthUri, {
        errorCorrectionLevel: 'M',
      });
      app = Authenticator.fromUri(enrolment.otpauthUri);
      secrets.add(new URL(enrolment.otpauthUri).searchParams.get('secret')!);

      expect(enrolment.qrPng).toBe(expectedPng);
      expect(enrolment.qrSvg).toContain('<svg');
      expect(app).toMatchObject({
        label: `Confer:${mail.accounts.alice.address}`,
        issuer: 'Confer',
        period: 30,
        bindingToken: enrolment.bindingToken,
      });
      expect(app.secret).toHaveLength(20);

      const bound = expectStatus(
        await phone.api.post<{ deviceName: string }>('/auth/2fa/binding', {
          bindingToken: app.bindingToken,
          deviceName: 'Pixel 8',
        }),
        200,
      );
      expect(bound.deviceName).toBe('Pixel 8');
      await expect(status(web.api)).resolves.toMatchObject({
        enabled: false,
        enrolmentPending: true,
      });

      const confirmed = expectStatus(
        await web.api.post<Status>('/auth/2fa/enrolment/confirm', { code: await code(app) }),
        200,
      );
      expect(confirmed).toMatchObject({ enabled: true, boundDeviceName: 'Pixel 8' });
      phoneSocket = await openSocket(phone);
    });

    it('refuses the binding token a second time, changing nothing', async () => {
      const again = await web.api.post<ApiErrorBody>('/auth/2fa/binding', {
        bindingToken: app.bindingToken,
        deviceName: 'Stolen phone',
      });

      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('two_factor.binding_used');
      await expect(status(web.api)).resolves.toMatchObject({
        enabled: true,
        boundDeviceName: 'Pixel 8',
      });
    });

    it('limits a new sign-in until the code: other routes 403, live socket refused', async () => {
      const laptop = await signIn('alice', 'Laptop');

      expect(laptop.grant.secondFactor).toBe('pending');
      await expectLimited(laptop, 'auth.second_factor_required');
      const trusted = await laptop.api.get<ApiErrorBody>('/auth/2fa/trusted-devices');
      expect(trusted.status).toBe(403);
    });

    it('refuses wrong and malformed codes, the session still limited', async () => {
      const laptop = await signIn('alice', 'Laptop');

      const wrong = await laptop.api.post<ApiErrorBody>('/auth/2fa/challenge/code', {
        code: app.wrongCode(),
      });
      const malformed = await Promise.all(
        ['12345', 'abcdef', '1234567', 123456].map((value) =>
          laptop.api.post<ApiErrorBody>('/auth/2fa/challenge/code', { code: value }),
        ),
      );

      expect(wrong.status).toBe(422);
      expect(wrong.body.error).toMatchObject({
        code: 'two_factor.code_invalid',
        message: expect.any(String),
      });
      for (const response of malformed) {
        expect(response.status).toBe(400);
        expect(response.body.error.code).toBe('request.invalid');
      }
      await expectLimited(laptop, 'auth.second_factor_required');
    });

    it('passes with a code, which then no other sign-in can use again', async () => {
      const laptop = await signIn('alice', 'Laptop');
      const other = await signIn('alice', 'Tablet');
      const value = await code(app);

      const grant = expectStatus(
        await laptop.api.post<PassedGrant>('/auth/2fa/challenge/code', { code: value }),
        200,
      );
      const through = passed(laptop, grant);
      const replay = await other.api.post<ApiErrorBody>('/auth/2fa/challenge/code', {
        code: value,
      });

      expectStatus(await through.api.get('/me/audit'), 200);
      expect(grant.trustedDeviceToken).toBeUndefined();
      expect(replay.status).toBe(409);
      expect(replay.body.error.code).toBe('two_factor.code_reused');
      await expectLimited(other, 'auth.second_factor_required');
      const socket = await openSocket(through);
      expect(socket.framesOf('ready')).toHaveLength(1);
    });

    it('passes with an approval pushed to the app, showing the asking device, address and time', async () => {
      const office = await signIn('alice', 'Office desktop');
      const before = Date.now();

      // No device name sent: the app shows the name the session signed in with.
      const approval = expectStatus(
        await office.api.post<Approval>('/auth/2fa/challenge/push', {}),
        201,
      );
      const frame = await approvalFrame(phoneSocket, approval.id);

      expect(frame.data).toMatchObject({
        approvalId: approval.id,
        purpose: 'sign_in',
        deviceName: 'Office desktop',
        clientIp: expect.stringMatching(/127\.0\.0\.1$/),
      });
      const requestedAt = Date.parse((frame.data as Approval).requestedAt);
      expect(requestedAt).toBeGreaterThanOrEqual(before - 1000);
      expect(requestedAt).toBeLessThanOrEqual(Date.now());

      // Another signed-in session of the same person is not the bound app.
      const notBound = await web.api.post<ApiErrorBody>(`/auth/2fa/approvals/${approval.id}`, {
        approve: true,
      });
      expect(notBound.status).toBe(403);
      expect(notBound.body.error.code).toBe('two_factor.not_bound_device');
      const early = await office.api.post<ApiErrorBody>(
        `/auth/2fa/challenge/push/${approval.id}/exchange`,
      );
      expect(early.status).toBe(409);
      expect(early.body.error.code).toBe('two_factor.approval_pending');
      expect(
        expectStatus(await office.api.get<Approval>(`/auth/2fa/challenge/push/${approval.id}`), 200)
          .status,
      ).toBe('pending');

      expectStatus(
        await phone.api.post<Approval>(`/auth/2fa/approvals/${approval.id}`, { approve: true }),
        200,
      );
      expect(
        expectStatus(await office.api.get<Approval>(`/auth/2fa/challenge/push/${approval.id}`), 200)
          .status,
      ).toBe('approved');
      const grant = expectStatus(
        await office.api.post<PassedGrant>(`/auth/2fa/challenge/push/${approval.id}/exchange`),
        200,
      );
      const through = passed(office, grant);
      const twice = await office.api.post<ApiErrorBody>(
        `/auth/2fa/challenge/push/${approval.id}/exchange`,
      );

      expectStatus(await through.api.get('/me/audit'), 200);
      expect(twice.status).toBe(409);
    });

    it('stays limited when the app refuses the request', async () => {
      const unknown = await signIn('alice', 'Unknown PC');
      const approval = expectStatus(
        await unknown.api.post<Approval>('/auth/2fa/challenge/push', {}),
        201,
      );
      await approvalFrame(phoneSocket, approval.id);

      expectStatus(
        await phone.api.post(`/auth/2fa/approvals/${approval.id}`, { approve: false }),
        200,
      );
      const exchange = await unknown.api.post<ApiErrorBody>(
        `/auth/2fa/challenge/push/${approval.id}/exchange`,
      );

      expect(exchange.status).toBe(403);
      expect(exchange.body.error.code).toBe('two_factor.approval_denied');
      await expectLimited(unknown, 'auth.second_factor_required');
    });

    it('answers an expired request with 410, on the app and for the asking session', async () => {
      const late = await signIn('alice', 'Slow PC');
      const approval = expectStatus(
        await late.api.post<Approval>('/auth/2fa/challenge/push', {}),
        201,
      );
      await approvalFrame(phoneSocket, approval.id);
      await new Promise((resolve) => setTimeout(resolve, APPROVAL_TTL_SECONDS * 1000 + 500));

      const answer = await phone.api.post<ApiErrorBody>(`/auth/2fa/approvals/${approval.id}`, {
        approve: true,
      });
      const exchange = await late.api.post<ApiErrorBody>(
        `/auth/2fa/challenge/push/${approval.id}/exchange`,
      );
      const seen = expectStatus(
        await late.api.get<Approval>(`/auth/2fa/challenge/push/${approval.id}`),
        200,
      );

      expect([answer.status, answer.body.error.code]).toEqual([410, 'two_factor.approval_expired']);
      expect([exchange.status, exchange.body.error.code]).toEqual([
        410,
        'two_factor.approval_expired',
      ]);
      expect(seen.status).toBe('expired');
      await expectLimited(late, 'auth.second_factor_required');
    });

    it('signs in without a second factor from a trusted computer, until it is revoked', async () => {
      const home = await signIn('alice', 'Home laptop');
      const grant = expectStatus(
        await home.api.post<PassedGrant>('/auth/2fa/challenge/code', {
          code: await code(app),
          trustDevice: true,
        }),
        200,
      );
      secrets.add(grant.trustedDeviceToken!);
      const through = passed(home, grant);

      const again = await signIn('alice', 'Home laptop', grant.trustedDeviceToken);
      const devices = expectStatus(
        await through.api.get<{ items: Array<{ id: string; name: string; lastIp: string }> }>(
          '/auth/2fa/trusted-devices',
        ),
        200,
      );

      expect(grant.trustedDeviceToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(again.grant.secondFactor).toBe('not_required');
      expectStatus(await again.api.get('/me/audit'), 200);
      expect(devices.items).toEqual([
        expect.objectContaining({ id: grant.trustedDeviceId, name: 'Home laptop' }),
      ]);

      const unknownId = await through.api.delete<ApiErrorBody>(
        `/auth/2fa/trusted-devices/${randomUUID()}`,
      );
      expect(unknownId.status).toBe(404);
      expect(unknownId.body.error.code).toBe('two_factor.trusted_device_not_found');
      expect(
        (await through.api.delete(`/auth/2fa/trusted-devices/${grant.trustedDeviceId}`)).status,
      ).toBe(204);
      const afterRevoke = await signIn('alice', 'Home laptop', grant.trustedDeviceToken);
      expect(afterRevoke.grant.secondFactor).toBe('pending');
      await expectLimited(afterRevoke, 'auth.second_factor_required');
    });

    it('turns the second factor off only once the app approves', async () => {
      const request = expectStatus(await web.api.post<Approval>('/auth/2fa/disable'), 202);
      const frame = await approvalFrame(phoneSocket, request.id);
      const selfApproval = await web.api.post<ApiErrorBody>(`/auth/2fa/approvals/${request.id}`, {
        approve: true,
      });

      expect(frame.data).toMatchObject({
        purpose: 'disable',
        deviceName: 'Firefox on the office PC',
      });
      expect(selfApproval.body.error.code).toBe('two_factor.not_bound_device');
      await expect(status(web.api)).resolves.toMatchObject({ enabled: true });
      expect((await signIn('alice', 'Check')).grant.secondFactor).toBe('pending');

      expectStatus(
        await phone.api.post(`/auth/2fa/approvals/${request.id}`, { approve: true }),
        200,
      );

      await expect(status(web.api)).resolves.toMatchObject({ enabled: false, boundDeviceName: '' });
      expect((await signIn('alice', 'Check')).grant.secondFactor).toBe('not_required');
    });

    it('shows every step on the person’s audit trail', async () => {
      const lines = await trailHas(web.api, [
        'two_factor.enrolled',
        'two_factor.code_rejected',
        'two_factor.approval_granted',
        'two_factor.approval_denied',
        'two_factor.device_trusted',
        'two_factor.device_revoked',
        'two_factor.disabled',
      ]);
      const actions = lines.map((line) => line.action);

      expect(actions).toEqual(
        expect.arrayContaining([
          'two_factor.enrolled',
          'two_factor.code_rejected',
          'two_factor.approval_granted',
          'two_factor.approval_denied',
          'two_factor.device_trusted',
          'two_factor.device_revoked',
          'two_factor.disabled',
        ]),
      );
      // In the order they happened.
      expect(actions.indexOf('two_factor.enrolled')).toBeLessThan(
        actions.indexOf('two_factor.disabled'),
      );
      const rejected = lines.filter((line) => line.action === 'two_factor.code_rejected');
      expect(rejected.map((line) => line.details.reason)).toEqual(
        expect.arrayContaining(['wrong', 'reused']),
      );
      expect(lines.find((line) => line.action === 'two_factor.approval_granted')).toMatchObject({
        subjectUserId: web.grant.userId,
        details: { requestingDevice: 'Office desktop' },
        clientIp: expect.stringMatching(/127\.0\.0\.1$/),
      });
    });
  });

  describe('an organisation that requires the second factor', () => {
    afterAll(async () => {
      await admin.request('PATCH', '/admin/settings', { twoFactorRequired: false });
    });

    it('makes its people enrol before anything else works, and refuses turning it off', async () => {
      const phone = await signIn('bob', 'iPhone');
      expectStatus(
        await admin.request('PATCH', '/admin/settings', { twoFactorRequired: true }),
        200,
      );

      const web = await signIn('bob', 'Chrome');
      expect(web.grant.secondFactor).toBe('enrolment_required');
      await expectLimited(web, 'auth.enrolment_required');
      await expect(status(web.api)).resolves.toMatchObject({
        enabled: false,
        requiredByOrganisation: true,
      });

      const enrolment = expectStatus(await web.api.post<Enrolment>('/auth/2fa/enrolment'), 201);
      const app = Authenticator.fromUri(enrolment.otpauthUri);
      secrets.add(enrolment.bindingToken);
      secrets.add(new URL(enrolment.otpauthUri).searchParams.get('secret')!);
      expectStatus(
        await phone.api.post('/auth/2fa/binding', { bindingToken: app.bindingToken }),
        200,
      );
      expectStatus(
        await web.api.post('/auth/2fa/enrolment/confirm', { code: await code(app) }),
        200,
      );
      // Enrolled, but this session has not passed a second factor yet.
      await expectLimited(web, 'auth.enrolment_required');
      const grant = expectStatus(
        await web.api.post<PassedGrant>('/auth/2fa/challenge/code', { code: await code(app) }),
        200,
      );
      const through = passed(web, grant);

      expectStatus(await through.api.get('/me/audit'), 200);
      await expect(status(through.api)).resolves.toMatchObject({
        enabled: true,
        boundDeviceName: 'iPhone',
      });
      const disable = await through.api.post<ApiErrorBody>('/auth/2fa/disable');
      expect(disable.status).toBe(409);
      expect(disable.body.error.code).toBe('two_factor.required_by_organisation');
      await expect(status(through.api)).resolves.toMatchObject({ enabled: true });
      expect((await signIn('bob', 'Chrome')).grant.secondFactor).toBe('pending');
    });
  });

  it('writes none of the secrets, codes or tokens to the services’ logs', () => {
    const logs = ['gateway', 'auth-2fa']
      .map((app) => readFileSync(stack().apps[app].logFile!, 'utf8'))
      .join('\n');

    expect(logs).toContain('two-factor enabled');
    expect(secrets.size).toBeGreaterThan(10);
    for (const secret of secrets) {
      const escaped = secret.replace(/[^\w-]/g, '\\$&');
      const leak = new RegExp(`(^|[^0-9A-Za-z_-])${escaped}($|[^0-9A-Za-z_-])`);
      expect({ secret, leaked: leak.test(logs) }).toEqual({ secret, leaked: false });
    }
  });
});
