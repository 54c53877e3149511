import { ServiceClient } from '@confer/grpc';
import { contacts } from '@confer/proto';

/** The directory, asked who a login's address belongs to and which organisation a user is in. */
export const CONTACTS = Symbol('CONTACTS');
export type ContactsClient = ServiceClient<contacts.ContactsServiceClient>;
