import { ConferError } from '@confer/errors';

export class PersonalContactError extends ConferError {
  static notFound(id: string): PersonalContactError {
    return new PersonalContactError(
      'not_found',
      'personal_contact.not_found',
      'No such personal contact.',
      { id },
    );
  }

  static invalid(field: string, message: string): PersonalContactError {
    return new PersonalContactError('invalid', 'personal_contact.invalid', message, { field });
  }

  static exists(email: string, id: string): PersonalContactError {
    return new PersonalContactError(
      'conflict',
      'personal_contact.exists',
      'This address is already in your contacts.',
      { email, id },
    );
  }
}
