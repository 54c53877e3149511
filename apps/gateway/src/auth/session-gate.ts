import { SessionGateError } from './session-gate.errors';
import { SessionGate, VerifiedToken } from './token-verifier';

const TWO_FACTOR = '/api/v1/auth/2fa';

/** Reachable by every session, whatever it owes: ending it and renewing its tokens. */
const ALWAYS = [
  { method: 'POST', path: '/api/v1/auth/logout' },
  { method: 'POST', path: '/api/v1/auth/refresh' },
];

/**
 * The second-factor gate. A session whose token says it owes its second
 * factor (`mfa: pending`) reaches only the challenge endpoints; one that must
 * enrol first (`mfa: enrol`) reaches the status, enrolment and challenge
 * endpoints. Both may sign out and refresh. Everything else, the live
 * WebSocket included, answers 403 with the code saying what is owed.
 * Paths are matched exactly as routed (case and trailing slash included), so
 * a variant the router would also accept is refused here, never let through.
 */
export class SecondFactorSessionGate implements SessionGate {
  async admit(token: VerifiedToken, route: { path: string; method: string }): Promise<void> {
    if (!token.mfa || mayPass(token.mfa, route)) {
      return;
    }
    throw token.mfa === 'enrol'
      ? SessionGateError.enrolmentRequired()
      : SessionGateError.secondFactorRequired();
  }
}

function mayPass(owed: 'pending' | 'enrol', route: { path: string; method: string }): boolean {
  const { path } = route;
  const method = route.method.toUpperCase();
  if (ALWAYS.some((open) => open.method === method && open.path === path)) {
    return true;
  }
  if (path.startsWith(`${TWO_FACTOR}/challenge/`)) {
    return true;
  }
  if (owed === 'enrol') {
    return (
      (method === 'GET' && path === TWO_FACTOR) ||
      path === `${TWO_FACTOR}/enrolment` ||
      path === `${TWO_FACTOR}/enrolment/confirm`
    );
  }

  return false;
}
