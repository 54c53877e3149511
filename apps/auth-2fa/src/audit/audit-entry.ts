import { isIP } from 'node:net';

import {
  AUDIT_ACTION_PATTERN,
  AuditRecordedPayload,
  SYSTEM_ACTOR,
  sanitiseAuditDetails,
} from '@confer/events';
import { audit } from '@confer/proto';

/** One stored line of the trail. */
export interface AuditEntryRow {
  eventId: string;
  orgId: string;
  actorId: string;
  subjectUserId: string | null;
  action: string;
  details: Record<string, unknown>;
  clientIp: string | null;
  occurredAt: Date;
  recordedAt?: Date;
  sourceSubject: string;
}

export type IngestResult = { row: AuditEntryRow } | { rejected: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_TEXT = 200;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * Turns a published AuditRecorded payload into a row, or says why it cannot be
 * one. Secret-looking detail keys are dropped again here: a publisher that
 * bypassed recordAudit still cannot put a credential in the trail.
 */
export function toAuditRow(
  payload: Partial<AuditRecordedPayload>,
  deliveredId: string,
  subject: string,
): IngestResult {
  const eventId =
    typeof payload.eventId === 'string' && payload.eventId ? payload.eventId : deliveredId;
  if (eventId.length > MAX_TEXT) {
    return { rejected: 'event id too long' };
  }
  if (typeof payload.orgId !== 'string' || !isUuid(payload.orgId)) {
    return { rejected: 'orgId is not a UUID' };
  }
  const actorId = payload.actorId;
  if (typeof actorId !== 'string' || !(actorId === SYSTEM_ACTOR || isUuid(actorId))) {
    return { rejected: 'actorId is neither a UUID nor "system"' };
  }
  const subjectUserId = payload.subjectUserId || null;
  if (subjectUserId !== null && (typeof subjectUserId !== 'string' || !isUuid(subjectUserId))) {
    return { rejected: 'subjectUserId is not a UUID' };
  }
  if (
    typeof payload.action !== 'string' ||
    payload.action.length > MAX_TEXT ||
    !AUDIT_ACTION_PATTERN.test(payload.action)
  ) {
    return { rejected: 'action is not dotted lower-case words' };
  }
  const occurredAt = new Date(typeof payload.occurredAt === 'string' ? payload.occurredAt : NaN);
  if (Number.isNaN(occurredAt.getTime())) {
    return { rejected: 'occurredAt is not a time' };
  }
  const details = parseDetails(payload.detailsJson);
  if (!details) {
    return { rejected: 'detailsJson is not a JSON object' };
  }
  const clientIp =
    typeof payload.clientIp === 'string' && isIP(payload.clientIp) ? payload.clientIp : null;

  return {
    row: {
      eventId,
      orgId: payload.orgId.toLowerCase(),
      actorId: actorId.toLowerCase(),
      subjectUserId: subjectUserId?.toLowerCase() ?? null,
      action: payload.action,
      details,
      clientIp,
      occurredAt,
      sourceSubject: subject,
    },
  };
}

export function toAuditEntryProto(row: AuditEntryRow): audit.AuditEntry {
  return {
    id: row.eventId,
    orgId: row.orgId,
    actorId: row.actorId,
    subjectUserId: row.subjectUserId ?? '',
    action: row.action,
    detailsJson: JSON.stringify(row.details),
    clientIp: row.clientIp ?? '',
    occurredAt: row.occurredAt.toISOString(),
    recordedAt: (row.recordedAt ?? row.occurredAt).toISOString(),
  };
}

function parseDetails(detailsJson: unknown): Record<string, unknown> | undefined {
  if (detailsJson === undefined || detailsJson === '') {
    return {};
  }
  if (typeof detailsJson !== 'string') {
    return undefined;
  }
  try {
    return sanitiseAuditDetails(JSON.parse(detailsJson)).details;
  } catch {
    return undefined;
  }
}
