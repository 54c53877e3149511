import { ConferError } from '@confer/errors';

/** What a session that still owes something is told when it reaches further than it may. */
export class SessionGateError extends ConferError {
  static secondFactorRequired(): SessionGateError {
    return new SessionGateError(
      'forbidden',
      'auth.second_factor_required',
      'Confirm the sign-in with a code from the Confer app or an approval on it first.',
    );
  }

  static enrolmentRequired(): SessionGateError {
    return new SessionGateError(
      'forbidden',
      'auth.enrolment_required',
      'Your organisation requires two-factor sign-in: set it up with the Confer app first.',
    );
  }
}
