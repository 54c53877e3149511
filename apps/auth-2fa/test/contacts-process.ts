import { contacts } from '@confer/proto';

import { BuiltAppWithClient, startBuiltAppWithClient } from './built-app-process';

export type ContactsProcess = BuiltAppWithClient<contacts.ContactsServiceClient>;

/** The real contacts app, run from its build as its own process, with a client of it. */
export function startContactsProcess(env: Record<string, string>): Promise<ContactsProcess> {
  return startBuiltAppWithClient('contacts', 'contacts', env);
}
