import {
  countVar,
  loadConfig,
  serviceConfigSchema,
  ServiceConfig,
  toServiceConfig,
} from '@confer/config';

const APP = 'mail-bridge';

const schema = serviceConfigSchema(APP, {
  /** The whole IMAP credential check (connect, TLS, greeting, LOGIN) must finish within this. */
  MAIL_LOGIN_TIMEOUT_SECONDS: countVar(5),
});

export interface MailBridgeConfig extends ServiceConfig {
  mailLogin: { timeoutMs: number };
}

export const MAIL_BRIDGE_CONFIG = Symbol('MAIL_BRIDGE_CONFIG');

export function loadMailBridgeConfig(env?: Record<string, string | undefined>): MailBridgeConfig {
  const vars = loadConfig(schema, env);

  return {
    ...toServiceConfig(APP, vars),
    mailLogin: { timeoutMs: vars.MAIL_LOGIN_TIMEOUT_SECONDS * 1000 },
  };
}
