import { SessionGateError } from './session-gate.errors';
import { SessionGate, VerifiedToken } from './token-verifier';

const TWO_FACTOR = '/api/v1/auth/2fa';

/** Reachable by every session, whatever it owes: ending it and renewing its tokens. */
const ALWAYS = [
  { method: 'POST', path: '/api/v1/auth/logout' },
  { method: 'POST', path: '/api/v1/auth/refresh' },
];

/**
 * The challenge routes, spelled exactly: an approval id is one segment with no
 * dot segment or encoded slash, so no path that a proxy or a later router
 * change might resolve elsewhere starts out admitted.
 */
const CHALLENGE = new RegExp(
  `^${TWO_FACTOR}/challenge/(?:code|push|push/(?!\\.{1,2}/|\\.{1,2}$)[^/%]+(?:/exchange)?)$`,
);

/**
 * The second-factor gate. A session whose token says it owes its second
 * factor (`mfa: pending`) reaches only the challenge endpoints; one that must
 * enrol first (`mfa: enrol`) reaches the status, enrolment, binding and
 * challenge endpoints (binding, because once the organisation requires the
 * second factor every new sign-in of the app owes enrolment too: refusing it
 * there would leave nobody who signed in since able to enrol). Both may sign
 * out and refresh. Everything else, the live
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
  if (CHALLENGE.test(path)) {
    return true;
  }
  if (owed === 'enrol') {
    return (
      (method === 'GET' && path === TWO_FACTOR) ||
      (method === 'POST' &&
        (path === `${TWO_FACTOR}/enrolment` ||
          path === `${TWO_FACTOR}/enrolment/confirm` ||
          path === `${TWO_FACTOR}/binding`))
    );
  }

  return false;
}
