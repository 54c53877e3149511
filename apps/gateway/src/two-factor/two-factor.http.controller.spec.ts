import { Caller } from '@confer/grpc';

import { AuthenticatedRequest } from '../auth/authenticated-request';
import { VerifiedToken } from '../auth/token-verifier';
import { TwoFactorClient, TwoFactorHttpController } from './two-factor.http.controller';
import { TwoFactorHttpError } from './two-factor.errors';

const caller: Caller = { userId: 'u-1', orgId: 'o-1', roles: [], correlationId: 'c-1' };

function requestWith(token: Partial<VerifiedToken>): AuthenticatedRequest {
  return {
    token: {
      userId: 'u-1',
      orgId: 'o-1',
      roles: [],
      sessionId: '8a4b2c1e-3f5d-4e6a-9b7c-0d1e2f3a4b5c',
      expiresAt: Date.now() + 60_000,
      issuer: 'confer',
      ...token,
    },
  } as AuthenticatedRequest;
}

describe(TwoFactorHttpController.name, () => {
  function controller() {
    const client = {
      getStatus: jest.fn().mockResolvedValue({ enabled: false, enrolledAt: '' }),
      requestSignInApproval: jest.fn(),
    };

    return {
      client,
      http: new TwoFactorHttpController(client as unknown as TwoFactorClient),
    };
  }

  it('passes the session, address and what it owes to auth-2fa', async () => {
    const { client, http } = controller();

    await http.status(caller, requestWith({ mfa: 'pending' }), '192.0.2.1');

    expect(client.getStatus).toHaveBeenCalledWith(caller, {
      sessionId: '8a4b2c1e-3f5d-4e6a-9b7c-0d1e2f3a4b5c',
      clientIp: '192.0.2.1',
      deviceName: '',
      secondFactor: 'pending',
    });
  });

  it('refuses a Keycloak session with two_factor.session_not_supported, asking nothing', async () => {
    const { client, http } = controller();

    const refusal = http.challengePush(
      caller,
      requestWith({ issuer: 'keycloak', sessionId: 'kc-session-1' }),
      '192.0.2.1',
      {},
    );

    await expect(refusal).rejects.toBeInstanceOf(TwoFactorHttpError);
    await expect(refusal).rejects.toMatchObject({
      code: 'two_factor.session_not_supported',
      httpStatus: 403,
    });
    expect(client.requestSignInApproval).not.toHaveBeenCalled();
  });
});
