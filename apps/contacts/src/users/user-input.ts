import { foldEmail } from '../addresses/addresses';
import { UserError } from './users.errors';

export const MAX_DISPLAY_NAME_LENGTH = 200;

/**
 * Roles an organisation may grant. `system` is never one of them: it names
 * the platform's own calls, not a person.
 */
export const ASSIGNABLE_ROLES = ['org_admin'] as const;

export const ORG_ADMIN_ROLE = 'org_admin';

// Control characters would corrupt lists and mail headers a name is shown in.
const CONTROL_CHARACTERS = /\p{Cc}/u;

export interface NewUserFields {
  email: string;
  displayName: string;
  roles: string[];
}

/** Validates and normalises what CreateUser was given, or throws the first problem found. */
export function normaliseNewUser(input: NewUserFields): NewUserFields {
  const email = foldEmail(input.email);
  if (!email) {
    throw UserError.invalid('email', 'The e-mail address is not valid.');
  }
  const displayName = input.displayName.trim();
  if (
    displayName.length === 0 ||
    displayName.length > MAX_DISPLAY_NAME_LENGTH ||
    CONTROL_CHARACTERS.test(displayName)
  ) {
    throw UserError.invalid(
      'displayName',
      `The display name must be 1 to ${MAX_DISPLAY_NAME_LENGTH} printable characters.`,
    );
  }
  const roles = [...new Set(input.roles)];
  const unknown = roles.filter((role) => !(ASSIGNABLE_ROLES as readonly string[]).includes(role));
  if (unknown.length > 0) {
    throw UserError.invalid('roles', `Unknown roles: ${unknown.join(', ')}.`);
  }

  return { email, displayName, roles: roles.sort() };
}
