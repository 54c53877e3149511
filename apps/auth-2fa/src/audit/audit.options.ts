import { AuditConfig } from './audit.config';

export const AUDIT_OPTIONS = Symbol('AUDIT_OPTIONS');

/** What the trail needs from the app's configuration. */
export interface AuditOptions extends AuditConfig {
  /** NATS_PREFIX: the first token of every subject and stream name. */
  prefix: string;
}
