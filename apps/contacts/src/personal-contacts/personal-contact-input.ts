import { foldEmail } from '../addresses/addresses';
import { PersonalContactError } from './personal-contacts.errors';

export const MAX_CONTACT_NAME_LENGTH = 200;
export const MAX_NOTE_LENGTH = 2_000;

// Control characters other than line breaks would corrupt the lists a name or note is shown in.
const CONTROL_CHARACTERS = /[^\P{Cc}\n\r\t]/u;

export interface PersonalContactFields {
  email: string;
  displayName: string | null;
  note: string;
}

/** Validates a new entry, or throws the first problem found. */
export function normaliseNewContact(input: {
  email: string;
  displayName?: string;
  note?: string;
}): PersonalContactFields {
  const email = foldEmail(input.email ?? '');
  if (!email) {
    throw PersonalContactError.invalid('email', 'The e-mail address is not valid.');
  }

  return {
    email,
    displayName: normaliseName(input.displayName),
    note: normaliseNote(input.note),
  };
}

/** An empty or absent name means "use the directory's name, or the address". */
export function normaliseName(raw: string | undefined): string | null {
  const name = (raw ?? '').trim();
  // Characters, as the gateway counts them: a rare CJK character is two UTF-16 units.
  if ([...name].length > MAX_CONTACT_NAME_LENGTH || /\p{Cc}/u.test(name)) {
    throw PersonalContactError.invalid(
      'displayName',
      `The name must be at most ${MAX_CONTACT_NAME_LENGTH} printable characters.`,
    );
  }

  return name || null;
}

export function normaliseNote(raw: string | undefined): string {
  const note = (raw ?? '').trim();
  if ([...note].length > MAX_NOTE_LENGTH || CONTROL_CHARACTERS.test(note)) {
    throw PersonalContactError.invalid(
      'note',
      `The note must be at most ${MAX_NOTE_LENGTH} characters, without control characters.`,
    );
  }

  return note;
}
