import { ConferError } from '@confer/errors';

/** Failures shared by the lists of people a person keeps (followed, blocked) and by cards. */
export class PersonListError extends ConferError {
  static personNotFound(personId: string): PersonListError {
    return new PersonListError('not_found', 'person.not_found', 'No such person.', { personId });
  }
}
