import { Injectable } from '@nestjs/common';

import { decodeCursor, encodeCursor, pageLimit } from '@confer/database';
import { Caller } from '@confer/grpc';

import { AuditEntryRow, isUuid } from './audit-entry';
import { AuditError } from './audit.errors';
import { AuditQuery, AuditRepository } from './audit.repository';

export const ORG_ADMIN_ROLE = 'org_admin';
export const DEFAULT_AUDIT_PAGE = 50;
export const MAX_AUDIT_PAGE = 200;

export interface AuditPage {
  items: AuditEntryRow[];
  /** Empty when there is no further page. */
  nextCursor: string;
}

export interface AuditFilter {
  actionPrefix?: string;
  limit?: number;
  cursor?: string;
}

export interface OrgAuditFilter extends AuditFilter {
  userId?: string;
  since?: string;
  until?: string;
}

const ACTION_PREFIX = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;
const MAX_ACTION_PREFIX = 100;
/** RFC 3339: a date, a time and a zone. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/i;
const CURSOR_FIELDS = { at: 'timestamp', id: 'string' } as const;

/** Reads of the trail: a person's own lines, and an organisation's for its administrators. */
@Injectable()
export class AuditService {
  constructor(private readonly repository: AuditRepository) {}

  /** Lines about the caller or by the caller, in the caller's organisation. */
  async listMine(caller: Caller, filter: AuditFilter): Promise<AuditPage> {
    return this.page(
      {
        ...this.common(caller, filter),
        userId: caller.userId,
      },
      filter.cursor,
    );
  }

  /** The caller's whole organisation, for its administrators only. */
  async listOrg(caller: Caller, filter: OrgAuditFilter): Promise<AuditPage> {
    if (!caller.roles.includes(ORG_ADMIN_ROLE)) {
      throw AuditError.forbidden();
    }
    if (filter.userId && !isUuid(filter.userId)) {
      throw AuditError.filterInvalid('userId', 'must be a user id');
    }
    const since = parseTime('since', filter.since);
    const until = parseTime('until', filter.until);
    if (since && until && since.getTime() >= until.getTime()) {
      throw AuditError.filterInvalid('since', 'must be before until');
    }

    return this.page(
      {
        ...this.common(caller, filter),
        userId: filter.userId ? filter.userId.toLowerCase() : undefined,
        since,
        until,
      },
      filter.cursor,
    );
  }

  private common(caller: Caller, filter: AuditFilter): Omit<AuditQuery, 'userId'> {
    const actionPrefix = filter.actionPrefix || undefined;
    if (
      actionPrefix !== undefined &&
      (actionPrefix.length > MAX_ACTION_PREFIX || !ACTION_PREFIX.test(actionPrefix))
    ) {
      throw AuditError.filterInvalid('action', 'must be dotted lower-case words');
    }

    return {
      orgId: caller.orgId,
      actionPrefix,
      limit: pageLimit(filter.limit, DEFAULT_AUDIT_PAGE, MAX_AUDIT_PAGE),
    };
  }

  private async page(query: AuditQuery, cursor: string | undefined): Promise<AuditPage> {
    const after = cursor ? decodeCursor(cursor, CURSOR_FIELDS) : undefined;
    // One more than asked tells whether another page exists without a second query.
    const rows = await this.repository.list({
      ...query,
      after: after && { occurredAt: after.at, eventId: after.id },
      limit: query.limit + 1,
    });
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    const more = rows.length > query.limit;

    return {
      items,
      nextCursor:
        more && last ? encodeCursor({ at: last.occurredAt.toISOString(), id: last.eventId }) : '',
    };
  }
}

function parseTime(field: string, value: string | undefined): Date | undefined {
  if (!value) {
    return undefined;
  }
  const time = new Date(value);
  if (!DATE_TIME.test(value) || Number.isNaN(time.getTime())) {
    throw AuditError.filterInvalid(field, 'must be an RFC 3339 time');
  }

  return time;
}
