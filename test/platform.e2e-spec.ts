import { DEMO_ADMIN, DEMO_PASSWORD, DEMO_PEOPLE } from '@confer/stack';

import { ApiClient, useStack } from './support';

describe('Confer platform', () => {
  const stack = useStack();

  it('has every app answering /health/ready', async () => {
    const apps = Object.entries(stack().apps);

    const answers = await Promise.all(
      apps.map(async ([app, { httpUrl }]) => [
        app,
        (await fetch(`${httpUrl}/health/ready`)).status,
      ]),
    );

    expect(apps.map(([app]) => app).sort()).toEqual([
      'auth-2fa',
      'contacts',
      'discussion',
      'drive',
      'gateway',
      'mail-bridge',
      'messaging',
    ]);
    expect(Object.fromEntries(answers)).toEqual(
      Object.fromEntries(apps.map(([app]) => [app, 200])),
    );
  });

  it('signs in a seeded user and knows who they are', async () => {
    const liHua = DEMO_PEOPLE.find((person) => person.displayName === '李华')!;

    const api = await ApiClient.login(stack().gatewayUrl, liHua.email, DEMO_PASSWORD);
    const me = await api.get<{ id: string; email: string; displayName: string }>('/me');

    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: api.userId, email: liHua.email, displayName: '李华' });
  });

  it('refuses a wrong password with auth.bad_credentials', async () => {
    const response = await new ApiClient(stack().gatewayUrl).post<{ error: { code: string } }>(
      '/auth/login',
      { email: DEMO_ADMIN.email, password: 'not-the-password' },
    );

    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('auth.bad_credentials');
  });

  it('serves its OpenAPI document', async () => {
    const response = await new ApiClient(stack().gatewayUrl).get<{
      openapi: string;
      paths: Record<string, unknown>;
    }>('/openapi.json');

    expect(response.status).toBe(200);
    expect(response.body.openapi).toMatch(/^3\./);
    expect(Object.keys(response.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/auth/login',
        '/api/v1/conversations',
        '/api/v1/discussions',
      ]),
    );
  });
});
