import { z } from 'zod';

import { countVar, SERVICE_PORTS } from '@confer/config';

/** Every app that owns an outbox; the gateway has none. */
const PUBLISHING_SERVICES = Object.keys(SERVICE_PORTS).filter((app) => app !== 'gateway');

/** The audit trail's environment, merged into the app's one schema. */
export const auditVariables = {
  /** Days a line is kept, counted from when it happened. */
  AUDIT_RETENTION_DAYS: countVar(365).pipe(z.number().max(10 * 365)),
  AUDIT_PRUNE_INTERVAL_SECONDS: countVar(3600),
  /** Services whose streams are consumed from the start (created if they do not exist yet). */
  AUDIT_SOURCES: z
    .string()
    .default(PUBLISHING_SERVICES.join(','))
    .transform((value) =>
      value
        .split(',')
        .map((service) => service.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[a-z][a-z0-9_-]*$/, 'must be service names')).min(1)),
  /** How often other services' streams are looked for, to consume new publishers too. */
  AUDIT_DISCOVERY_INTERVAL_SECONDS: countVar(60),
};

export interface AuditConfig {
  retentionDays: number;
  pruneIntervalSeconds: number;
  sources: string[];
  discoveryIntervalSeconds: number;
}

export function toAuditConfig(vars: {
  AUDIT_RETENTION_DAYS: number;
  AUDIT_PRUNE_INTERVAL_SECONDS: number;
  AUDIT_SOURCES: string[];
  AUDIT_DISCOVERY_INTERVAL_SECONDS: number;
}): AuditConfig {
  return {
    retentionDays: vars.AUDIT_RETENTION_DAYS,
    pruneIntervalSeconds: vars.AUDIT_PRUNE_INTERVAL_SECONDS,
    sources: vars.AUDIT_SOURCES,
    discoveryIntervalSeconds: vars.AUDIT_DISCOVERY_INTERVAL_SECONDS,
  };
}
