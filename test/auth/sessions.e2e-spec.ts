// Sessions through the gateway: refresh rotation and reuse, the session list,
// ending one session (its WebSocket closes and its token is refused within
// seconds), ending all, and a person disabled in the directory losing theirs.
import { randomUUID } from 'node:crypto';

import {
  ApiClient,
  ApiErrorBody,
  createUser,
  expectStatus,
  LiveSocket,
  signInAdmin,
  TestUser,
  useStack,
} from '../support';

interface Grant {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  userId: string;
}

interface SessionEntry {
  id: string;
  deviceName: string;
  client: string;
  ip: string;
  createdAt: string;
  lastSeenAt: string;
  current: boolean;
}

const SECONDS = 1000;

describe('sessions', () => {
  const stack = useStack();
  let admin: ApiClient;
  let anon: ApiClient;

  beforeAll(async () => {
    admin = await signInAdmin(stack().gatewayUrl);
    anon = new ApiClient(stack().gatewayUrl);
  });

  async function signIn(user: TestUser, deviceName = 'laptop'): Promise<Grant> {
    return expectStatus(
      await anon.post<Grant>('/auth/login', {
        email: user.email,
        password: user.password,
        deviceName,
        client: 'e2e client 1.0',
      }),
      200,
    );
  }

  function apiOf(grant: Grant): ApiClient {
    return new ApiClient(stack().gatewayUrl, grant.accessToken, grant.userId);
  }

  function refresh(refreshToken: string) {
    return anon.post<Grant & ApiErrorBody>('/auth/refresh', { refreshToken });
  }

  /** Polls until the token is refused; the refusal must come within a few seconds. */
  async function refusedWithin(api: ApiClient, ms = 5 * SECONDS) {
    const deadline = Date.now() + ms;
    for (;;) {
      const response = await api.get<ApiErrorBody>('/auth/sessions');
      if (response.status !== 200 || Date.now() > deadline) {
        return response;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  describe('refresh', () => {
    it('rotates: a new access and refresh token for the same session, the old one spent', async () => {
      const user = await createUser(admin);
      const first = await signIn(user);

      const second = expectStatus(await refresh(first.refreshToken), 200);

      expect(second.sessionId).toBe(first.sessionId);
      expect(second.refreshToken).not.toBe(first.refreshToken);
      expectStatus(await apiOf(second).get('/auth/sessions'), 200);
      const third = expectStatus(await refresh(second.refreshToken), 200);
      expect(third.sessionId).toBe(first.sessionId);
    });

    it('ends the whole session when a spent refresh token is used again', async () => {
      const user = await createUser(admin);
      const first = await signIn(user);
      const second = expectStatus(await refresh(first.refreshToken), 200);

      const reused = await refresh(first.refreshToken);
      const afterwards = await refresh(second.refreshToken);
      const access = await refusedWithin(apiOf(second));

      expect(reused.status).toBe(401);
      expect(reused.body.error.code).toBe('auth.refresh_reused');
      expect(afterwards.status).toBe(401);
      expect(afterwards.body.error.code).toBe('auth.session_ended');
      expect(access.status).toBe(401);
      expect(access.body.error.code).toBe('auth.session_ended');
    });

    it.each([
      ['no token', {}],
      ['a token of the wrong shape', { refreshToken: 'short' }],
      ['an extra field', { refreshToken: 'a'.repeat(43), sessionId: randomUUID() }],
    ])('refuses %s with 400 request.invalid', async (_case, body) => {
      const response = await anon.post<ApiErrorBody>('/auth/refresh', body);

      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('request.invalid');
    });

    it('refuses a token it never issued with 401 auth.refresh_invalid', async () => {
      const response = await refresh('A'.repeat(43));

      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('auth.refresh_invalid');
    });
  });

  describe('the session list', () => {
    it('lists my sessions with device, client, address and times, marking the current one', async () => {
      const user = await createUser(admin);
      const phone = await signIn(user, 'phone');
      const desk = await signIn(user, 'desk');

      const { items } = expectStatus(
        await apiOf(desk).get<{ items: SessionEntry[] }>('/auth/sessions'),
        200,
      );

      const byId = new Map(items.map((item) => [item.id, item]));
      expect(byId.get(desk.sessionId)).toMatchObject({ deviceName: 'desk', current: true });
      expect(byId.get(phone.sessionId)).toMatchObject({
        deviceName: 'phone',
        client: 'e2e client 1.0',
        current: false,
      });
      expect(byId.get(phone.sessionId)!.ip).not.toBe('');
      expect(Date.parse(byId.get(phone.sessionId)!.lastSeenAt)).not.toBeNaN();
      expect(items.filter((item) => item.current)).toHaveLength(1);
    });

    it('moves last seen on refresh', async () => {
      const user = await createUser(admin);
      const grant = await signIn(user);
      const before = (
        await apiOf(grant).get<{ items: SessionEntry[] }>('/auth/sessions')
      ).body.items.find((item) => item.id === grant.sessionId)!;
      await new Promise((resolve) => setTimeout(resolve, 50));

      const renewed = expectStatus(await refresh(grant.refreshToken), 200);
      const after = (
        await apiOf(renewed).get<{ items: SessionEntry[] }>('/auth/sessions')
      ).body.items.find((item) => item.id === grant.sessionId)!;

      expect(Date.parse(after.lastSeenAt)).toBeGreaterThan(Date.parse(before.lastSeenAt));
    });
  });

  describe('ending sessions', () => {
    it('ends one session: its live socket closes 4401 and its token is refused within seconds', async () => {
      const user = await createUser(admin);
      const laptop = await signIn(user, 'laptop');
      const phone = await signIn(user, 'phone');
      const socket = await LiveSocket.open(stack().gatewayUrl, phone.accessToken);
      const otherSocket = await LiveSocket.open(stack().gatewayUrl, laptop.accessToken);
      const started = Date.now();

      expect((await apiOf(laptop).delete(`/auth/sessions/${phone.sessionId}`)).status).toBe(204);

      const closed = await socket.waitClosed(5 * SECONDS);
      const refused = await refusedWithin(apiOf(phone));
      expect(closed).toEqual({ code: 4401, reason: 'session ended' });
      expect(Date.now() - started).toBeLessThan(5 * SECONDS);
      expect(refused.status).toBe(401);
      expect(refused.body.error.code).toBe('auth.session_ended');
      // The other session, and its socket, go on.
      expectStatus(await apiOf(laptop).get('/auth/sessions'), 200);
      expect(otherSocket.closed).toBeUndefined();
      const reopened = await LiveSocket.connect(stack().gatewayUrl, {
        token: phone.accessToken,
        header: true,
      });
      expect(await reopened.waitClosed(5 * SECONDS)).toEqual({
        code: 4401,
        reason: 'session ended',
      });
      await otherSocket.close();
    });

    it('signs out: the token of this session is refused at once', async () => {
      const user = await createUser(admin);
      const grant = await signIn(user);

      expect((await apiOf(grant).post('/auth/logout')).status).toBe(204);

      const response = await apiOf(grant).get<ApiErrorBody>('/auth/sessions');
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('auth.session_ended');
      expect((await refresh(grant.refreshToken)).body.error.code).toBe('auth.session_ended');
    });

    it('ends every session but the current one, then all of them', async () => {
      const user = await createUser(admin);
      const keep = await signIn(user, 'keep');
      const others = [await signIn(user, 'other-1'), await signIn(user, 'other-2')];

      const kept = expectStatus(
        await apiOf(keep).delete<{ revoked: number }>('/auth/sessions?keepCurrent=true'),
        200,
      );

      expect(kept.revoked).toBeGreaterThanOrEqual(2);
      for (const other of others) {
        expect((await refusedWithin(apiOf(other))).body.error.code).toBe('auth.session_ended');
      }
      const { items } = expectStatus(
        await apiOf(keep).get<{ items: SessionEntry[] }>('/auth/sessions'),
        200,
      );
      expect(items.map((item) => item.id)).toEqual([keep.sessionId]);

      expect(
        expectStatus(await apiOf(keep).delete<{ revoked: number }>('/auth/sessions'), 200),
      ).toEqual({ revoked: 1 });
      expect((await refusedWithin(apiOf(keep))).body.error.code).toBe('auth.session_ended');
    });

    it("answers 404 for someone else's session and leaves it running", async () => {
      const [owner, stranger] = [await createUser(admin), await createUser(admin)];
      const ownerGrant = await signIn(owner);
      const strangerGrant = await signIn(stranger);

      const response = await apiOf(strangerGrant).delete<ApiErrorBody>(
        `/auth/sessions/${ownerGrant.sessionId}`,
      );

      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('session.not_found');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expectStatus(await apiOf(ownerGrant).get('/auth/sessions'), 200);
    });

    it.each([
      ['a session id that is not a UUID', '/auth/sessions/not-a-uuid'],
      ['an unknown flag value', '/auth/sessions?keepCurrent=maybe'],
    ])('refuses %s with 400 and ends nothing', async (_case, path) => {
      const user = await createUser(admin);
      const grant = await signIn(user);

      const response = await apiOf(grant).delete<ApiErrorBody>(path);

      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('request.invalid');
      expectStatus(await apiOf(grant).get('/auth/sessions'), 200);
    });
  });

  it('delays an address after repeated wrong passwords with 429 and Retry-After, then lets it in', async () => {
    const user = await createUser(admin);
    const attempt = (password: string) =>
      anon.post<ApiErrorBody>('/auth/login', { email: user.email, password });
    for (let failure = 0; failure < 6; failure += 1) {
      expect((await attempt('wrong-password')).status).toBe(401);
    }

    const delayed = await attempt(user.password);

    expect(delayed.status).toBe(429);
    expect(delayed.body.error.code).toBe('auth.too_many_attempts');
    const wait = Number(delayed.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, wait * SECONDS + 200));
    expect((await attempt(user.password)).status).toBe(200);
  });

  it('ends every session of a person the directory disables', async () => {
    const user = await createUser(admin);
    const grants = [await signIn(user, 'one'), await signIn(user, 'two')];
    const socket = await LiveSocket.open(stack().gatewayUrl, grants[0].accessToken);
    const { secret } = expectStatus(
      await admin.post<{ secret: string }>('/admin/scim/tokens', { name: 'sessions e2e' }),
      201,
    );

    const disabled = await fetch(`${stack().gatewayUrl}/scim/v2/Users/${user.id}`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${secret}`,
        'content-type': 'application/scim+json',
      },
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', value: { active: false } }],
      }),
    });

    expect(disabled.status).toBe(200);
    expect(await socket.waitClosed(10 * SECONDS)).toEqual({ code: 4401, reason: 'session ended' });
    for (const grant of grants) {
      expect((await refusedWithin(apiOf(grant), 10 * SECONDS)).body.error.code).toBe(
        'auth.session_ended',
      );
      expect((await refresh(grant.refreshToken)).status).toBe(401);
    }
  });
});
