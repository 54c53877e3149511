import { auditPayload } from '@confer/events';

import { toAuditEntryProto, toAuditRow } from './audit-entry';

const ORG = '5b0c6a8e-1d3f-4a7b-9c2e-000000000001';
const ADMIN = '5b0c6a8e-1d3f-4a7b-9c2e-000000000002';
const USER = '5b0c6a8e-1d3f-4a7b-9c2e-000000000003';
const SUBJECT = 'confer.contacts.audit.recorded';

function published(overrides: Record<string, unknown> = {}) {
  return {
    ...auditPayload({
      orgId: ORG,
      actorId: ADMIN,
      subjectUserId: USER,
      action: 'settings.changed',
      details: { keys: ['twoFactorRequired'] },
      clientIp: '198.51.100.7',
      occurredAt: new Date('2026-03-01T10:00:00.123Z'),
    }),
    ...overrides,
  };
}

describe('toAuditRow', () => {
  it('turns what recordAudit publishes into a row', () => {
    const payload = published();

    expect(toAuditRow(payload, 'delivered-id', SUBJECT)).toEqual({
      row: {
        eventId: payload.eventId,
        orgId: ORG,
        actorId: ADMIN,
        subjectUserId: USER,
        action: 'settings.changed',
        details: { keys: ['twoFactorRequired'] },
        clientIp: '198.51.100.7',
        occurredAt: new Date('2026-03-01T10:00:00.123Z'),
        sourceSubject: SUBJECT,
      },
    });
  });

  it('keeps a line about no one account and by the system', () => {
    const result = toAuditRow(
      published({ actorId: 'system', subjectUserId: '', clientIp: '' }),
      'x',
      SUBJECT,
    );

    expect(result).toMatchObject({
      row: { actorId: 'system', subjectUserId: null, clientIp: null },
    });
  });

  it('falls back to the delivered message id when the payload has none', () => {
    expect(toAuditRow(published({ eventId: '' }), 'CONFER_CONTACTS:7', SUBJECT)).toMatchObject({
      row: { eventId: 'CONFER_CONTACTS:7' },
    });
  });

  it('drops secret-looking details a publisher sent without the helper', () => {
    const result = toAuditRow(
      published({ detailsJson: '{"domain":"a.example","smtpPassword":"p","otp":"123456"}' }),
      'x',
      SUBJECT,
    );

    expect(result).toMatchObject({ row: { details: { domain: 'a.example' } } });
    expect(JSON.stringify(result)).not.toMatch(/123456|"p"/);
  });

  it('stores no client address that is not one', () => {
    expect(toAuditRow(published({ clientIp: 'localhost' }), 'x', SUBJECT)).toMatchObject({
      row: { clientIp: null },
    });
  });

  it.each([
    ['an org that is not a UUID', { orgId: 'acme' }, /orgId/],
    ['a missing actor', { actorId: '' }, /actorId/],
    ['an actor that is a name', { actorId: 'admin' }, /actorId/],
    ['a subject that is not a UUID', { subjectUserId: 'bob' }, /subjectUserId/],
    ['an action that is not dotted', { action: 'Changed' }, /action/],
    ['a time that is not one', { occurredAt: 'yesterday' }, /occurredAt/],
    ['details that are not JSON', { detailsJson: '{nope' }, /detailsJson/],
    ['details that are a list', { detailsJson: '[1]' }, /detailsJson/],
  ])('rejects %s', (_name, overrides, reason) => {
    const result = toAuditRow(published(overrides), 'x', SUBJECT);

    expect(result).toEqual({ rejected: expect.stringMatching(reason) });
  });
});

describe('toAuditEntryProto', () => {
  it('answers times as RFC 3339 and absent values as empty strings', () => {
    const result = toAuditRow(published({ subjectUserId: '', clientIp: '' }), 'x', SUBJECT);
    if (!('row' in result)) {
      throw new Error('expected a row');
    }

    expect(
      toAuditEntryProto({ ...result.row, recordedAt: new Date('2026-03-01T10:00:01Z') }),
    ).toMatchObject({
      subjectUserId: '',
      clientIp: '',
      detailsJson: '{"keys":["twoFactorRequired"]}',
      occurredAt: '2026-03-01T10:00:00.123Z',
      recordedAt: '2026-03-01T10:00:01.000Z',
    });
  });
});
