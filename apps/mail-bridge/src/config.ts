import { loadConfig, serviceConfigSchema, ServiceConfig, toServiceConfig } from '@confer/config';

const APP = 'mail-bridge';

const schema = serviceConfigSchema(APP);

export type MailBridgeConfig = ServiceConfig;

export const MAIL_BRIDGE_CONFIG = Symbol('MAIL_BRIDGE_CONFIG');

export function loadMailBridgeConfig(env?: Record<string, string | undefined>): MailBridgeConfig {
  return toServiceConfig(APP, loadConfig(schema, env));
}
