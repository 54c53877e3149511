// Sign-in with a mail account through the gateway: an organisation's
// administrator points its domain at the real Dovecot (docs/servers.md) with
// the admin API, then its people sign in with their mailbox or app passwords.
import { createServer } from 'node:net';

import { testMailServer } from '@confer/testing';

import {
  ApiClient,
  ApiErrorBody,
  expectStatus,
  MailOrganisation,
  setUpMailOrganisation,
  signInAdmin,
  useStack,
} from '../support';

const mail = testMailServer();

interface Grant {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  userId: string;
  secondFactor: string;
}

/** A port nothing listens on: bound, noted, released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));

  return port;
}

describe('mail-account login', () => {
  const stack = useStack();
  let admin: ApiClient;
  let anon: ApiClient;
  let users: MailOrganisation['users'];

  beforeAll(async () => {
    anon = new ApiClient(stack().gatewayUrl);
    // The mail domain's organisation, with an administrator who signs in with a
    // local password before the domain has a mail server.
    ({ admin, users } = await setUpMailOrganisation(stack(), {
      organisation: 'Mail Confer Test',
      admin: 'Mail admin',
    }));
  });

  function login(email: string, password: string) {
    return anon.post<Grant & ApiErrorBody>('/auth/login', { email, password, deviceName: 'e2e' });
  }

  async function sessionCount(user: 'alice' | 'bob'): Promise<number> {
    const { password } = mail.accounts[user];
    const signedIn = expectStatus(await login(mail.accounts[user].address, password), 200);
    const api = new ApiClient(stack().gatewayUrl, signedIn.accessToken);
    const { items } = expectStatus(await api.get<{ items: unknown[] }>('/auth/sessions'), 200);
    await api.post('/auth/logout');

    // Less the one just opened to count.
    return items.length - 1;
  }

  it('signs in with the mailbox password, starting a session with a refresh token', async () => {
    const response = await login(mail.accounts.alice.address, mail.accounts.alice.password);
    const grant = expectStatus(response, 200);
    const api = new ApiClient(stack().gatewayUrl, grant.accessToken);

    expect(grant).toMatchObject({ userId: users.alice, secondFactor: 'not_required' });
    expect(grant.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expectStatus(await api.get('/auth/sessions'), 200);
  });

  it('signs in with a mail app password', async () => {
    const grant = expectStatus(
      await login(mail.accounts.alice.address, mail.accounts.alice.appPassword!),
      200,
    );

    expect(grant.userId).toBe(users.alice);
  });

  it('refuses a wrong mailbox password with 401 auth.bad_credentials and starts no session', async () => {
    const before = await sessionCount('bob');

    const response = await login(mail.accounts.bob.address, 'not-bobs-password');

    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('auth.bad_credentials');
    expect(await sessionCount('bob')).toBe(before);
  });

  it('answers an unknown address and an unknown domain exactly like a wrong password', async () => {
    const unknown = await login(`nobody@${mail.domain}`, mail.accounts.alice.password);
    const noDomain = await login('someone@nowhere.confer.test', 'whatever-password');

    for (const response of [unknown, noDomain]) {
      expect(response.status).toBe(401);
      expect(response.body.error).toMatchObject({
        code: 'auth.bad_credentials',
        message: 'The e-mail address or password is wrong.',
      });
    }
  });

  describe('the mail domain admin API', () => {
    it('lists and reads the organisation’s domains', async () => {
      const list = expectStatus(
        await admin.get<{ items: Array<{ domain: string }> }>('/admin/mail-domains'),
        200,
      );
      const one = expectStatus(await admin.get(`/admin/mail-domains/${mail.domain}`), 200);

      expect(list.items.map((item) => item.domain)).toContain(mail.domain);
      expect(one).toMatchObject({
        domain: mail.domain,
        host: mail.host,
        port: mail.ports.imap,
        tls: 'starttls',
        rejectUnauthorized: false,
      });
    });

    it.each([
      ['a port out of range', { host: mail.host, port: 70000, tls: 'starttls' }],
      ['an unknown TLS mode', { host: mail.host, port: 993, tls: 'ssl' }],
      ['no host', { port: 993, tls: 'implicit' }],
      ['an unknown field', { host: mail.host, port: 993, tls: 'implicit', password: 'x' }],
    ])('refuses %s with 400 request.invalid and changes nothing', async (_case, body) => {
      const before = expectStatus(await admin.get(`/admin/mail-domains/${mail.domain}`), 200);

      const response = await admin.request<ApiErrorBody>(
        'PUT',
        `/admin/mail-domains/${mail.domain}`,
        body,
      );

      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('request.invalid');
      expect(expectStatus(await admin.get(`/admin/mail-domains/${mail.domain}`), 200)).toEqual(
        before,
      );
    });

    it('refuses a domain name mail-bridge cannot use with 422 mail.domain_invalid', async () => {
      const response = await admin.request<ApiErrorBody>('PUT', '/admin/mail-domains/localhost', {
        host: mail.host,
        port: 993,
        tls: 'implicit',
      });

      expect(response.status).toBe(422);
      expect(response.body.error).toMatchObject({
        code: 'mail.domain_invalid',
        details: { field: 'domain' },
      });
      expect((await admin.get('/admin/mail-domains/localhost')).status).toBe(404);
    });

    it('refuses members who are not administrators with 403, changing nothing', async () => {
      const alice = new ApiClient(
        stack().gatewayUrl,
        expectStatus(await login(mail.accounts.alice.address, mail.accounts.alice.password), 200)
          .accessToken,
      );
      const before = expectStatus(await admin.get('/admin/mail-domains'), 200);

      const responses = [
        await alice.get<ApiErrorBody>('/admin/mail-domains'),
        await alice.request<ApiErrorBody>('PUT', `/admin/mail-domains/${mail.domain}`, {
          host: '203.0.113.9',
          port: 143,
          tls: 'none',
        }),
        await alice.delete<ApiErrorBody>(`/admin/mail-domains/${mail.domain}`),
      ];

      for (const response of responses) {
        expect(response.status).toBe(403);
        expect(response.body.error.code).toBe('auth.forbidden');
      }
      expect(expectStatus(await admin.get('/admin/mail-domains'), 200)).toEqual(before);
    });

    it("keeps another organisation's administrator away from the domain", async () => {
      const demoAdmin = await signInAdmin(stack().gatewayUrl);

      const read = await demoAdmin.get<ApiErrorBody>(`/admin/mail-domains/${mail.domain}`);
      const take = await demoAdmin.request<ApiErrorBody>(
        'PUT',
        `/admin/mail-domains/${mail.domain}`,
        { host: '203.0.113.9', port: 143, tls: 'none' },
      );

      expect(read.status).toBe(404);
      expect(take.status).toBe(409);
      expect(take.body.error.code).toBe('mail.domain_taken');
      expect(
        expectStatus(await admin.get(`/admin/mail-domains/${mail.domain}`), 200),
      ).toMatchObject({ host: mail.host, port: mail.ports.imap });
    });
  });

  it('answers 503 mail.server_unavailable with Retry-After when the mail server is down', async () => {
    expectStatus(
      await admin.request('PUT', `/admin/mail-domains/${mail.domain}`, {
        host: mail.host,
        port: await closedPort(),
        tls: 'none',
      }),
      200,
    );
    try {
      const response = await login(mail.accounts.alice.address, mail.accounts.alice.password);

      expect(response.status).toBe(503);
      expect(response.body.error.code).toBe('mail.server_unavailable');
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      expectStatus(
        await admin.request('PUT', `/admin/mail-domains/${mail.domain}`, {
          host: mail.host,
          port: mail.ports.imap,
          tls: 'starttls',
          rejectUnauthorized: false,
        }),
        200,
      );
    }
    expectStatus(await login(mail.accounts.alice.address, mail.accounts.alice.password), 200);
  });
});
