import { ConferError } from '@confer/errors';

export class AuditError extends ConferError {
  static forbidden(): AuditError {
    return new AuditError(
      'forbidden',
      'auth.forbidden',
      "Only the organisation's administrators may read its whole audit trail.",
    );
  }

  /** A filter that is well-formed on the wire but names nothing readable. */
  static filterInvalid(field: string, reason: string): AuditError {
    return new AuditError('invalid', 'audit.filter_invalid', `The ${field} filter ${reason}.`, {
      field,
    });
  }
}
