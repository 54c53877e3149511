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

const SECOND_FACTOR_GRANT = {
  accessToken: 'access',
  tokenType: 'Bearer',
  expiresIn: 900,
  userId: 'u-1',
  orgId: 'o-1',
  refreshToken: 'refresh',
  refreshExpiresIn: 2_592_000,
  sessionId: '8a4b2c1e-3f5d-4e6a-9b7c-0d1e2f3a4b5c',
  secondFactor: 'passed',
  trustedDeviceToken: 'trusted-secret',
  trustedDeviceId: '5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f',
};

/** The fields POST /auth/login answers: a passed second factor answers the same. */
const LOGIN_GRANT_KEYS = [
  'accessToken',
  'expiresIn',
  'orgId',
  'refreshExpiresIn',
  'refreshToken',
  'secondFactor',
  'sessionId',
  'tokenType',
  'userId',
];

describe(TwoFactorHttpController.name, () => {
  function controller() {
    const client = {
      getStatus: jest.fn().mockResolvedValue({ enabled: false, enrolledAt: '' }),
      requestSignInApproval: jest.fn(),
      verifyCode: jest.fn().mockResolvedValue({ ...SECOND_FACTOR_GRANT }),
      exchangeApproval: jest.fn().mockResolvedValue({
        ...SECOND_FACTOR_GRANT,
        trustedDeviceToken: '',
        trustedDeviceId: '',
      }),
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

  it('answers a passed code with the login grant plus the trusted device', async () => {
    const { http } = controller();

    const grant = await http.challengeCode(caller, requestWith({ mfa: 'pending' }), '192.0.2.1', {
      code: '492039',
      trustDevice: true,
    });

    expect(Object.keys(grant).sort()).toEqual(
      [...LOGIN_GRANT_KEYS, 'trustedDeviceId', 'trustedDeviceToken'].sort(),
    );
    expect(grant).toMatchObject({
      sessionId: SECOND_FACTOR_GRANT.sessionId,
      secondFactor: 'passed',
      refreshExpiresIn: 2_592_000,
      trustedDeviceToken: 'trusted-secret',
    });
  });

  it('answers an exchanged approval with exactly the login grant', async () => {
    const { http } = controller();

    const grant = await http.exchangePush(
      caller,
      requestWith({ mfa: 'pending' }),
      '192.0.2.1',
      '1b2c3d4e-5f60-4718-9a0b-1c2d3e4f5a6b',
    );

    expect(Object.keys(grant).sort()).toEqual(LOGIN_GRANT_KEYS);
    expect(grant.secondFactor).toBe('passed');
  });
});
