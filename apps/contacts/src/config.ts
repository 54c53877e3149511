import { loadConfig, serviceConfigSchema, ServiceConfig, toServiceConfig } from '@confer/config';

const APP = 'contacts';

const schema = serviceConfigSchema(APP);

export type ContactsConfig = ServiceConfig;

export const CONTACTS_CONFIG = Symbol('CONTACTS_CONFIG');

export function loadContactsConfig(env?: Record<string, string | undefined>): ContactsConfig {
  return toServiceConfig(APP, loadConfig(schema, env));
}
