import { SecondFactorSessionGate } from './session-gate';
import { VerifiedToken } from './token-verifier';

const token = (mfa?: 'pending' | 'enrol'): VerifiedToken => ({
  userId: 'u',
  orgId: 'o',
  roles: [],
  sessionId: 's',
  expiresAt: Date.now() + 60_000,
  issuer: 'confer',
  ...(mfa ? { mfa } : {}),
});

async function codeOf(promise: Promise<void>): Promise<string | undefined> {
  try {
    await promise;

    return undefined;
  } catch (error) {
    return (error as { code: string }).code;
  }
}

describe(SecondFactorSessionGate.name, () => {
  const gate = new SecondFactorSessionGate();

  it('admits a session that owes nothing anywhere', async () => {
    await expect(
      gate.admit(token(), { method: 'GET', path: '/api/v1/conversations' }),
    ).resolves.toBeUndefined();
  });

  describe('a session owing its second factor', () => {
    it.each([
      ['POST', '/api/v1/auth/2fa/challenge/code'],
      ['POST', '/api/v1/auth/2fa/challenge/push'],
      ['GET', '/api/v1/auth/2fa/challenge/push/6b1f0c9e-1111-4222-8333-944455556666'],
      ['POST', '/api/v1/auth/2fa/challenge/push/6b1f0c9e-1111-4222-8333-944455556666/exchange'],
      ['POST', '/api/v1/auth/logout'],
      ['POST', '/api/v1/auth/refresh'],
    ])('may %s %s', async (method, path) => {
      await expect(gate.admit(token('pending'), { method, path })).resolves.toBeUndefined();
    });

    it.each([
      ['GET', '/api/v1/conversations'],
      ['GET', '/api/v1/live'],
      ['POST', '/api/v1/auth/2fa/binding'],
      ['POST', '/api/v1/auth/2fa/enrolment'],
      ['POST', '/api/v1/auth/2fa/approvals/x'],
      ['GET', '/api/v1/auth/2fa/trusted-devices'],
      ['GET', '/API/V1/conversations'],
      ['GET', '/api/v1/auth/2fa/challengeX'],
      ['GET', '/api/v1/auth/2fa/challenge/../../../me/audit'],
      ['GET', '/api/v1/auth/2fa/challenge/push/../../trusted-devices'],
      ['GET', '/api/v1/auth/2fa/challenge/push/..'],
      ['GET', '/api/v1/auth/2fa/challenge/push/x%2F..%2F..%2Ftrusted-devices'],
      ['GET', '/api/v1/auth/2fa/challenge/push/x/exchange/more'],
      ['POST', '/api/v1/auth/2fa/challenge/code/'],
      ['POST', '/api/v1/auth/2fa/challenge/'],
    ])('is refused %s %s with auth.second_factor_required', async (method, path) => {
      await expect(codeOf(gate.admit(token('pending'), { method, path }))).resolves.toBe(
        'auth.second_factor_required',
      );
    });
  });

  describe('a session that must enrol first', () => {
    it.each([
      ['GET', '/api/v1/auth/2fa'],
      ['POST', '/api/v1/auth/2fa/enrolment'],
      ['POST', '/api/v1/auth/2fa/enrolment/confirm'],
      // The app signing in after the organisation turned the requirement on owes enrolment too.
      ['POST', '/api/v1/auth/2fa/binding'],
      ['POST', '/api/v1/auth/2fa/challenge/code'],
    ])('may %s %s', async (method, path) => {
      await expect(gate.admit(token('enrol'), { method, path })).resolves.toBeUndefined();
    });

    it.each([
      ['GET', '/api/v1/users/me'],
      ['GET', '/api/v1/live'],
      ['POST', '/api/v1/auth/2fa/disable'],
      ['POST', '/api/v1/auth/2fa/approvals/6b1f0c9e-1111-4222-8333-944455556666'],
      ['GET', '/api/v1/auth/2fa/trusted-devices'],
      ['HEAD', '/api/v1/auth/2fa'],
      ['GET', '/api/v1/auth/2fa/'],
      ['GET', '/api/v1/auth/2fa/enrolment'],
      ['POST', '/api/v1/auth/2fa/binding/'],
      ['POST', '/API/V1/AUTH/2FA/BINDING'],
    ])('is refused %s %s with auth.enrolment_required', async (method, path) => {
      await expect(codeOf(gate.admit(token('enrol'), { method, path }))).resolves.toBe(
        'auth.enrolment_required',
      );
    });
  });
});
