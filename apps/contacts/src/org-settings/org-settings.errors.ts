import { ConferError } from '@confer/errors';

export class OrgSettingsError extends ConferError {
  static invalid(field: string, message: string): OrgSettingsError {
    return new OrgSettingsError('invalid', 'settings.invalid', message, { field });
  }

  static unknownDepartments(departmentIds: string[]): OrgSettingsError {
    return new OrgSettingsError(
      'invalid',
      'settings.unknown_department',
      'Some departments do not exist in this organisation.',
      { departmentIds },
    );
  }
}
