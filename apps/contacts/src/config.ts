import { z } from 'zod';

import {
  loadConfig,
  redisVariables,
  serviceConfigSchema,
  ServiceConfig,
  toServiceConfig,
  urlVar,
} from '@confer/config';

import {
  DEFAULT_ATTRIBUTE_MAP,
  LdapSettings,
  parseAttributeMap,
} from './directory-sync/ldap-settings';

const APP = 'contacts';

// A default directory server for one organisation (LDAP_ORG_ID), used until its
// administrators store settings of their own through the settings API; handy to bootstrap a
// deployment. Defaults are the test OpenLDAP server (docs/servers.md).
const ldapVariables = {
  LDAP_ORG_ID: z.string().uuid().optional(),
  LDAP_URL: urlVar('ldap://127.0.0.1:10389', ['ldap', 'ldaps']),
  LDAP_BIND_DN: z.string().default('cn=admin,dc=example,dc=cn'),
  LDAP_BIND_PASSWORD: z.string().default('confer-directory-admin'),
  LDAP_PEOPLE_BASE_DN: z.string().min(1).default('ou=people,dc=example,dc=cn'),
  LDAP_PEOPLE_FILTER: z.string().min(1).default('(objectClass=inetOrgPerson)'),
  LDAP_DEPARTMENTS_BASE_DN: z.string().min(1).default('ou=org,dc=example,dc=cn'),
  LDAP_DEPARTMENTS_FILTER: z.string().min(1).default('(objectClass=organizationalUnit)'),
  LDAP_GROUPS_BASE_DN: z.string().default('ou=groups,dc=example,dc=cn'),
  LDAP_GROUPS_FILTER: z.string().min(1).default('(objectClass=groupOfNames)'),
  LDAP_ATTRIBUTE_MAP: z
    .string()
    .default('')
    .transform((value, context) => {
      try {
        return parseAttributeMap(value);
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });

        return DEFAULT_ATTRIBUTE_MAP;
      }
    }),
  LDAP_DISABLED_VALUES: z
    .string()
    .default('disabled')
    .transform((value) => value.split(',').map((item) => item.trim().toLowerCase())),
  LDAP_PAGE_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
  LDAP_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
  LDAP_SYNC_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(0),
};

const schema = serviceConfigSchema(APP, { ...redisVariables, ...ldapVariables });

export interface ContactsConfig extends ServiceConfig {
  redisUrl: string;
  /** The environment's default directory of one organisation; absent when none is given. */
  ldap?: LdapSettings;
  syncIntervalSeconds: number;
}

export const CONTACTS_CONFIG = Symbol('CONTACTS_CONFIG');

export function loadContactsConfig(env?: Record<string, string | undefined>): ContactsConfig {
  const vars = loadConfig(schema, env);

  return {
    ...toServiceConfig(APP, vars),
    redisUrl: vars.REDIS_URL,
    syncIntervalSeconds: vars.LDAP_SYNC_INTERVAL_SECONDS,
    ldap: vars.LDAP_ORG_ID
      ? {
          orgId: vars.LDAP_ORG_ID.toLowerCase(),
          url: vars.LDAP_URL,
          bindDn: vars.LDAP_BIND_DN,
          bindPassword: vars.LDAP_BIND_PASSWORD,
          people: { baseDn: vars.LDAP_PEOPLE_BASE_DN, filter: vars.LDAP_PEOPLE_FILTER },
          departments: {
            baseDn: vars.LDAP_DEPARTMENTS_BASE_DN,
            filter: vars.LDAP_DEPARTMENTS_FILTER,
          },
          groups: vars.LDAP_GROUPS_BASE_DN
            ? { baseDn: vars.LDAP_GROUPS_BASE_DN, filter: vars.LDAP_GROUPS_FILTER }
            : undefined,
          attributes: vars.LDAP_ATTRIBUTE_MAP,
          disabledValues: vars.LDAP_DISABLED_VALUES,
          tls: { startTls: false, skipVerify: false },
          pageSize: vars.LDAP_PAGE_SIZE,
          timeoutMs: vars.LDAP_TIMEOUT_SECONDS * 1000,
        }
      : undefined,
  };
}
