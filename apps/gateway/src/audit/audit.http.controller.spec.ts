import { ArgumentMetadata } from '@nestjs/common';

import { ConferError } from '@confer/errors';
import { Caller } from '@confer/grpc';
import { audit } from '@confer/proto';

import { requestValidationPipe } from '../http/validation';
import { OrgAuditQueryDto } from './audit.dto';
import { AuditClient, AuditHttpController } from './audit.http.controller';

const orgId = '00000000-0000-4000-8000-0000000000aa';
const member: Caller = {
  userId: '00000000-0000-4000-8000-000000000001',
  orgId,
  roles: [],
  correlationId: 'spec',
};
const admin: Caller = { ...member, roles: ['org_admin'] };

const entry: audit.AuditEntry = {
  id: 'e1',
  orgId,
  actorId: 'system',
  subjectUserId: '',
  action: 'settings.changed',
  detailsJson: '{"keys":["twoFactorRequired"]}',
  clientIp: '',
  occurredAt: '2026-03-01T10:00:00.000Z',
  recordedAt: '2026-03-01T10:00:00.500Z',
};

describe(AuditHttpController.name, () => {
  const calls: { method: string; request: unknown }[] = [];
  const client = {
    listMyAudit: async (_: Caller, request: unknown) => {
      calls.push({ method: 'listMyAudit', request });

      return { items: [entry], nextCursor: 'next' };
    },
    listOrgAudit: async (_: Caller, request: unknown) => {
      calls.push({ method: 'listOrgAudit', request });

      return { items: [entry], nextCursor: '' };
    },
  } as unknown as AuditClient;
  const controller = new AuditHttpController(client);

  beforeEach(() => {
    calls.length = 0;
  });

  it("answers the caller's own lines with details as JSON and absent values as null", async () => {
    const page = await controller.mine(member, { action: 'settings', limit: 10 });

    expect(calls).toEqual([
      { method: 'listMyAudit', request: { actionPrefix: 'settings', limit: 10, cursor: '' } },
    ]);
    expect(page).toEqual({
      items: [
        {
          id: 'e1',
          orgId,
          actorId: 'system',
          subjectUserId: null,
          action: 'settings.changed',
          details: { keys: ['twoFactorRequired'] },
          clientIp: null,
          occurredAt: entry.occurredAt,
          recordedAt: entry.recordedAt,
        },
      ],
      nextCursor: 'next',
    });
  });

  it('refuses the organisation trail to a member with 403 without asking auth-2fa', async () => {
    const error = await controller.organisation(member, {}).catch((failure: unknown) => failure);

    expect(error).toBeInstanceOf(ConferError);
    expect((error as ConferError).code).toBe('auth.forbidden');
    expect(calls).toEqual([]);
  });

  it('passes an administrator’s filters and answers null for the last page', async () => {
    const page = await controller.organisation(admin, {
      userId: member.userId,
      action: 'two_factor',
      since: '2026-01-01T00:00:00Z',
    });

    expect(calls[0].request).toEqual({
      userId: member.userId,
      actionPrefix: 'two_factor',
      since: '2026-01-01T00:00:00Z',
      until: '',
      limit: 50,
      cursor: '',
    });
    expect(page.nextCursor).toBeNull();
  });

  describe('query validation', () => {
    const pipe = requestValidationPipe();
    const metadata: ArgumentMetadata = { type: 'query', metatype: OrgAuditQueryDto };

    it.each([
      [{ action: 'Two_Factor' }],
      [{ action: 'two_factor.' }],
      [{ userId: 'me' }],
      [{ since: 'yesterday' }],
      [{ until: '2026-01-01' }],
      [{ limit: '0' }],
    ])('refuses %j with 400 request.invalid', async (query) => {
      const error = await pipe.transform(query, metadata).catch((failure: unknown) => failure);

      expect(error).toBeInstanceOf(ConferError);
      expect((error as ConferError).code).toBe('request.invalid');
    });

    it('accepts a full filter', async () => {
      await expect(
        pipe.transform(
          {
            action: 'settings.mail_domain_changed',
            userId: member.userId,
            since: '2026-01-01T00:00:00Z',
            until: '2026-02-01T00:00:00.000Z',
            limit: '20',
          },
          metadata,
        ),
      ).resolves.toMatchObject({ limit: 20 });
    });
  });
});
