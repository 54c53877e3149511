import { ConferError } from '@confer/errors';

/** Refusals of the second factor: enrolment, app binding, codes, push approvals, disabling. */
export class TwoFactorError extends ConferError {
  static notEnrolled(): TwoFactorError {
    return new TwoFactorError(
      'conflict',
      'two_factor.not_enabled',
      'Two-factor sign-in is not enabled for this account.',
    );
  }

  static alreadyEnabled(): TwoFactorError {
    return new TwoFactorError(
      'conflict',
      'two_factor.already_enabled',
      'Two-factor sign-in is already enabled; disable it before enrolling again.',
    );
  }

  static enrolmentNotFound(): TwoFactorError {
    return new TwoFactorError(
      'not_found',
      'two_factor.enrolment_not_found',
      'There is no enrolment in progress; start one first.',
    );
  }

  static enrolmentNotBound(): TwoFactorError {
    return new TwoFactorError(
      'conflict',
      'two_factor.app_not_bound',
      'Scan the QR code with the signed-in Confer app before confirming; if it has signed out since, start again.',
    );
  }

  static bindingNotFound(): TwoFactorError {
    return new TwoFactorError(
      'not_found',
      'two_factor.binding_not_found',
      'This binding code is not known.',
    );
  }

  static bindingUsed(): TwoFactorError {
    return new TwoFactorError(
      'conflict',
      'two_factor.binding_used',
      'This binding code has already been used.',
    );
  }

  static bindingExpired(): TwoFactorError {
    return new TwoFactorError(
      'gone',
      'two_factor.binding_expired',
      'This binding code has expired; start the enrolment again.',
    );
  }

  static codeInvalid(): TwoFactorError {
    return new TwoFactorError('invalid', 'two_factor.code_invalid', 'The code is not correct.');
  }

  static codeReused(): TwoFactorError {
    return new TwoFactorError(
      'conflict',
      'two_factor.code_reused',
      'This code has already been used; wait for the next one.',
    );
  }

  static tooManyAttempts(retryAfterSeconds: number): TwoFactorError {
    return new TwoFactorError(
      'rate_limited',
      'two_factor.too_many_attempts',
      'Too many wrong codes; wait before trying again, or approve on your phone.',
      { retryAfterSeconds },
    );
  }

  static notBoundDevice(): TwoFactorError {
    return new TwoFactorError(
      'forbidden',
      'two_factor.not_bound_device',
      'Only the app bound to this account can answer approval requests.',
    );
  }

  static approvalNotFound(): TwoFactorError {
    return new TwoFactorError(
      'not_found',
      'two_factor.approval_not_found',
      'No such approval request.',
    );
  }

  static approvalExpired(): TwoFactorError {
    return new TwoFactorError(
      'gone',
      'two_factor.approval_expired',
      'The approval request has expired; send a new one.',
    );
  }

  static approvalAnswered(): TwoFactorError {
    return new TwoFactorError(
      'conflict',
      'two_factor.approval_answered',
      'The approval request has already been answered.',
    );
  }

  static approvalPending(): TwoFactorError {
    return new TwoFactorError(
      'conflict',
      'two_factor.approval_pending',
      'The approval request has not been answered yet.',
    );
  }

  static approvalDenied(): TwoFactorError {
    return new TwoFactorError(
      'forbidden',
      'two_factor.approval_denied',
      'The sign-in was refused on the bound app.',
    );
  }

  static approvalUsed(): TwoFactorError {
    return new TwoFactorError(
      'conflict',
      'two_factor.approval_used',
      'This approval has already been exchanged for a session.',
    );
  }

  static requiredByOrganisation(): TwoFactorError {
    return new TwoFactorError(
      'conflict',
      'two_factor.required_by_organisation',
      'Your organisation requires two-factor sign-in; it cannot be disabled.',
    );
  }

  static noSecondFactorOwed(): TwoFactorError {
    return new TwoFactorError(
      'conflict',
      'two_factor.not_pending',
      'This session does not owe a second factor.',
    );
  }

  static sessionNotSupported(): TwoFactorError {
    return new TwoFactorError(
      'forbidden',
      'two_factor.session_not_supported',
      'Two-factor sign-in applies to Confer sign-ins; this session comes from another identity provider, which handles its own second factor.',
    );
  }

  static secretKeyMissing(keyId: string, cause: unknown): TwoFactorError {
    return new TwoFactorError(
      'internal',
      'two_factor.secret_key_missing',
      'The key that encrypted this secret is not configured.',
      { keyId },
      { cause },
    );
  }
}
