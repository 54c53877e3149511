import { ConferError } from '@confer/errors';
import { Caller } from '@confer/grpc';

import { AuditEntryRow } from './audit-entry';
import { AuditQuery, AuditRepository } from './audit.repository';
import { AuditService, MAX_AUDIT_PAGE } from './audit.service';

const ORG = '5b0c6a8e-1d3f-4a7b-9c2e-000000000001';
const ADMIN = '5b0c6a8e-1d3f-4a7b-9c2e-000000000002';
const USER = '5b0c6a8e-1d3f-4a7b-9c2e-000000000003';

const admin: Caller = { userId: ADMIN, orgId: ORG, roles: ['org_admin'], correlationId: 'c' };
const member: Caller = { userId: USER, orgId: ORG, roles: [], correlationId: 'c' };

function line(index: number): AuditEntryRow {
  return {
    eventId: `e${index}`,
    orgId: ORG,
    actorId: USER,
    subjectUserId: USER,
    action: 'two_factor.enrolled',
    details: {},
    clientIp: null,
    occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 100 - index)),
    sourceSubject: 's',
  };
}

function serviceOver(rows: AuditEntryRow[]) {
  const queries: AuditQuery[] = [];
  const repository = {
    list: async (query: AuditQuery) => {
      queries.push(query);

      return rows.slice(0, query.limit);
    },
  } as unknown as AuditRepository;

  return { service: new AuditService(repository), queries };
}

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return error instanceof ConferError ? `${error.httpStatus} ${error.code}` : String(error);
  }

  return 'no failure';
}

describe(AuditService.name, () => {
  it("reads a member's own lines in their organisation only", async () => {
    const { service, queries } = serviceOver([line(1)]);

    const page = await service.listMine(member, { actionPrefix: 'two_factor' });

    expect(page.items).toHaveLength(1);
    expect(queries[0]).toMatchObject({ orgId: ORG, userId: USER, actionPrefix: 'two_factor' });
  });

  it('refuses the organisation trail to a non-administrator with 403 and reads nothing', async () => {
    const { service, queries } = serviceOver([line(1)]);

    expect(await failure(service.listOrg(member, {}))).toBe('403 auth.forbidden');
    expect(queries).toHaveLength(0);
  });

  it('reads the whole organisation for an administrator, with its filters', async () => {
    const { service, queries } = serviceOver([]);

    await service.listOrg(admin, {
      userId: USER.toUpperCase(),
      actionPrefix: 'settings',
      since: '2026-01-01T00:00:00Z',
      until: '2026-02-01T00:00:00Z',
    });

    expect(queries[0]).toMatchObject({
      orgId: ORG,
      userId: USER,
      actionPrefix: 'settings',
      since: new Date('2026-01-01T00:00:00Z'),
      until: new Date('2026-02-01T00:00:00Z'),
    });
  });

  it.each([
    [{ userId: 'bob' }],
    [{ actionPrefix: 'Settings' }],
    [{ actionPrefix: 'settings.' }],
    [{ since: 'last week' }],
    [{ since: '2026-01-01' }],
    [{ until: '2026-13-01T00:00:00Z' }],
    [{ since: '2026-02-01T00:00:00Z', until: '2026-01-01T00:00:00Z' }],
  ])('refuses the filter %j with 422 audit.filter_invalid and reads nothing', async (filter) => {
    const { service, queries } = serviceOver([]);

    expect(await failure(service.listOrg(admin, filter))).toBe('422 audit.filter_invalid');
    expect(queries).toHaveLength(0);
  });

  it('pages with a cursor that continues after the last line', async () => {
    const rows = [line(1), line(2), line(3)];
    const { service, queries } = serviceOver(rows);

    const first = await service.listMine(member, { limit: 2 });

    expect(first.items.map((item) => item.eventId)).toEqual(['e1', 'e2']);
    expect(first.nextCursor).not.toBe('');
    await service.listMine(member, { limit: 2, cursor: first.nextCursor });
    expect(queries[1].after).toEqual({
      occurredAt: line(2).occurredAt.toISOString(),
      eventId: 'e2',
    });
  });

  it('answers no cursor on the last page and clamps the page size', async () => {
    const { service, queries } = serviceOver([line(1)]);

    const page = await service.listMine(member, { limit: 10_000 });

    expect(page.nextCursor).toBe('');
    expect(queries[0].limit).toBe(MAX_AUDIT_PAGE + 1);
  });

  it('refuses a tampered cursor with 400 request.cursor_invalid', async () => {
    const { service, queries } = serviceOver([]);

    expect(await failure(service.listMine(member, { cursor: 'bm90IGpzb24' }))).toBe(
      '400 request.cursor_invalid',
    );
    expect(queries).toHaveLength(0);
  });

  it.each([
    ['an impossible date', '2026-02-30T00:00:00.000Z'],
    ['the year zero', '0000-01-01T00:00:00.000Z'],
    ['a zone PostgreSQL refuses', '2026-01-01T00:00:00-23:59'],
  ])('refuses a cursor holding %s before reading anything', async (_name, at) => {
    const { service, queries } = serviceOver([]);
    const cursor = Buffer.from(JSON.stringify({ at, id: 'e1' })).toString('base64url');

    expect(await failure(service.listOrg(admin, { cursor }))).toBe('400 request.cursor_invalid');
    expect(queries).toHaveLength(0);
  });
});
