import { randomUUID } from 'node:crypto';

import { Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { writeOutbox } from './outbox';

/** The fact every service publishes for a line of the audit trail. */
export const AUDIT_EVENT = 'audit.recorded';

/** The actor of a line no person caused (a schedule, a directory sync). */
export const SYSTEM_ACTOR = 'system';

/** What a service knows about a security event or a settings change. */
export interface AuditEntry {
  orgId: string;
  /** Who acted: a user id, or SYSTEM_ACTOR. */
  actorId: string;
  /** Whose account it concerns, when it concerns one; that user may read the line. */
  subjectUserId?: string;
  /** Dotted, lower case and stable, e.g. `two_factor.enrolled`, `settings.changed`. */
  action: string;
  /** Non-secret facts; keys that look like secrets are dropped before anything is written. */
  details?: Record<string, unknown>;
  clientIp?: string;
  occurredAt?: Date;
}

/** The published payload: `confer.events.v1.AuditRecorded` in its JSON form. */
export interface AuditRecordedPayload {
  eventId: string;
  orgId: string;
  actorId: string;
  subjectUserId: string;
  action: string;
  detailsJson: string;
  clientIp: string;
  occurredAt: string;
}

/** Names a service's subjects; OutboxPublisher is one. */
export interface AuditSubjects {
  subject(event: string): string;
}

export const AUDIT_ACTION_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
/** Bounds the size of one line; details are a summary, never a document. */
export const MAX_AUDIT_DETAILS_BYTES = 4_096;
const MAX_ACTION_LENGTH = 100;

const logger = new Logger('AuditTrail');

/**
 * Writes one AuditRecorded event to the caller's outbox in the caller's
 * transaction, so the line exists exactly when the change it describes does.
 * Call `outbox.notify()` after the commit, as for any outbox row. Returns the
 * event id, which auth-2fa deduplicates on.
 */
export async function recordAudit(
  manager: EntityManager,
  outbox: AuditSubjects,
  entry: AuditEntry,
): Promise<string> {
  const payload = auditPayload(entry);
  await writeOutbox(manager, [
    { id: payload.eventId, subject: outbox.subject(AUDIT_EVENT), payload },
  ]);

  return payload.eventId;
}

/**
 * Validates an entry and builds its payload. A malformed entry is a
 * programming error and throws, which rolls the caller's change back with it:
 * an audited change without its line must not commit.
 */
export function auditPayload(entry: AuditEntry, eventId = randomUUID()): AuditRecordedPayload {
  if (!entry.orgId) {
    throw new TypeError('An audit entry needs the organisation it belongs to.');
  }
  if (!entry.actorId) {
    throw new TypeError('An audit entry needs an actor: a user id or "system".');
  }
  if (entry.action.length > MAX_ACTION_LENGTH || !AUDIT_ACTION_PATTERN.test(entry.action)) {
    throw new TypeError(
      `Audit action "${entry.action.slice(0, MAX_ACTION_LENGTH)}" must be dotted lower-case words, e.g. "settings.changed".`,
    );
  }
  const { details, stripped } = sanitiseAuditDetails(entry.details ?? {});
  if (stripped.length > 0) {
    // Key names only: the values are what must never reach a log.
    logger.warn({ action: entry.action, strippedKeys: stripped }, 'audit details secrets dropped');
  }
  const detailsJson = JSON.stringify(details);
  if (Buffer.byteLength(detailsJson) > MAX_AUDIT_DETAILS_BYTES) {
    throw new RangeError(
      `Audit details for "${entry.action}" exceed ${MAX_AUDIT_DETAILS_BYTES} bytes; record a summary.`,
    );
  }

  return {
    eventId,
    orgId: entry.orgId,
    actorId: entry.actorId,
    subjectUserId: entry.subjectUserId ?? '',
    action: entry.action,
    detailsJson,
    clientIp: entry.clientIp ?? '',
    occurredAt: (entry.occurredAt ?? new Date()).toISOString(),
  };
}

/**
 * Drops every key, at any depth, whose words name a secret (password, token,
 * secret, code, OTP, key material, cookies), so that a careless caller cannot
 * put a credential in the trail. Returns the cleaned copy and the dotted paths
 * of what was dropped.
 */
export function sanitiseAuditDetails(details: unknown): {
  details: Record<string, unknown>;
  stripped: string[];
} {
  if (!isPlainObject(details)) {
    throw new TypeError('Audit details must be a JSON object.');
  }
  const stripped: string[] = [];
  const clean = sanitiseValue(details, '', stripped) as Record<string, unknown>;

  return { details: clean, stripped };
}

/** True when a detail key names something secret, judged by its words. */
export function looksSecret(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map((word) => (word.length > 3 && word.endsWith('s') ? word.slice(0, -1) : word));

  return (
    words.some((word) => SECRET_WORDS.has(word)) ||
    words.some((word, index) => SECRET_PAIRS.has(`${word} ${words[index + 1]}`))
  );
}

const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'pin',
  'token',
  'secret',
  'code',
  'otp',
  'totp',
  'hotp',
  'credential',
  'apikey',
  'cookie',
  'authorization',
  'signature',
]);
const SECRET_PAIRS = new Set([
  'api key',
  'private key',
  'access key',
  'signing key',
  'session key',
]);

function sanitiseValue(value: unknown, path: string, stripped: string[]): unknown {
  if (Array.isArray(value)) {
    return value.map((item, index) => sanitiseValue(item, `${path}[${index}]`, stripped));
  }
  if (!isPlainObject(value)) {
    return value;
  }
  const clean: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const innerPath = path ? `${path}.${key}` : key;
    if (looksSecret(key)) {
      stripped.push(innerPath);
      continue;
    }
    clean[key] = sanitiseValue(inner, innerPath, stripped);
  }

  return clean;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
