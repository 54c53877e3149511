import { audit } from '@confer/proto';

import { nextCursorOf } from '../http/paging.dto';
import { AuditEntryDto, AuditPageDto } from './audit.dto';

export function toAuditPageDto(page: audit.AuditPage): AuditPageDto {
  return { items: page.items.map(toAuditEntryDto), nextCursor: nextCursorOf(page.nextCursor) };
}

function toAuditEntryDto(entry: audit.AuditEntry): AuditEntryDto {
  return {
    id: entry.id,
    orgId: entry.orgId,
    actorId: entry.actorId,
    subjectUserId: entry.subjectUserId || null,
    action: entry.action,
    details: entry.detailsJson ? (JSON.parse(entry.detailsJson) as Record<string, unknown>) : {},
    clientIp: entry.clientIp || null,
    occurredAt: entry.occurredAt,
    recordedAt: entry.recordedAt,
  };
}
