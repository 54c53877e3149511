import { EntityManager } from 'typeorm';

import { events } from '@confer/proto';

import {
  auditPayload,
  AuditRecordedPayload,
  looksSecret,
  MAX_AUDIT_DETAILS_BYTES,
  recordAudit,
  sanitiseAuditDetails,
} from './audit';

const entry = {
  orgId: '7d5e3c1a-0000-4000-8000-000000000001',
  actorId: '7d5e3c1a-0000-4000-8000-000000000002',
  subjectUserId: '7d5e3c1a-0000-4000-8000-000000000003',
  action: 'two_factor.enrolled',
};

function recordingManager(): { manager: EntityManager; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const manager = {
    query: async (...args: unknown[]) => {
      calls.push(args);

      return [];
    },
  } as unknown as EntityManager;

  return { manager, calls };
}

describe('recordAudit', () => {
  it('writes one AuditRecorded outbox row under <service>.audit.recorded with the event id', async () => {
    const { manager, calls } = recordingManager();
    const outbox = { subject: (event: string) => `confer.auth_2fa.${event}` };

    const id = await recordAudit(manager, outbox, { ...entry, details: { method: 'totp' } });

    expect(calls).toHaveLength(1);
    const [ids, subjects, payloads] = calls[0][1] as [string[], string[], string[]];
    expect(ids).toEqual([id]);
    expect(subjects).toEqual(['confer.auth_2fa.audit.recorded']);
    const payload = JSON.parse(payloads[0]) as events.AuditRecorded;
    expect(payload).toMatchObject({
      eventId: id,
      orgId: entry.orgId,
      actorId: entry.actorId,
      subjectUserId: entry.subjectUserId,
      action: 'two_factor.enrolled',
      detailsJson: '{"method":"totp"}',
      clientIp: '',
    });
    expect(Date.parse(payload.occurredAt)).not.toBeNaN();
  });

  it('writes nothing when the entry is malformed', async () => {
    const { manager, calls } = recordingManager();
    const outbox = { subject: (event: string) => event };

    await expect(recordAudit(manager, outbox, { ...entry, action: 'Enrolled' })).rejects.toThrow(
      TypeError,
    );
    expect(calls).toHaveLength(0);
  });
});

describe('auditPayload', () => {
  it('has exactly the fields of confer.events.v1.AuditRecorded', () => {
    const payload: events.AuditRecorded = auditPayload(entry, 'fixed-id');
    const sameShape: AuditRecordedPayload = payload;

    expect(Object.keys(sameShape).sort()).toEqual(
      [
        'action',
        'actorId',
        'clientIp',
        'detailsJson',
        'eventId',
        'occurredAt',
        'orgId',
        'subjectUserId',
      ].sort(),
    );
    expect(payload.eventId).toBe('fixed-id');
  });

  it('keeps the time and client address it is given', () => {
    const payload = auditPayload({
      ...entry,
      clientIp: '203.0.113.9',
      occurredAt: new Date('2025-03-01T08:00:00.000Z'),
    });

    expect(payload.clientIp).toBe('203.0.113.9');
    expect(payload.occurredAt).toBe('2025-03-01T08:00:00.000Z');
  });

  it.each([['enrolled'], ['Two_factor.enrolled'], ['two factor.enrolled'], ['a.'], ['']])(
    'rejects the action %j',
    (action) => {
      expect(() => auditPayload({ ...entry, action })).toThrow(/dotted lower-case/);
    },
  );

  it('rejects an entry without organisation or actor', () => {
    expect(() => auditPayload({ ...entry, orgId: '' })).toThrow(/organisation/);
    expect(() => auditPayload({ ...entry, actorId: '' })).toThrow(/actor/);
  });

  it('rejects details larger than the bound', () => {
    const details = { note: 'x'.repeat(MAX_AUDIT_DETAILS_BYTES) };

    expect(() => auditPayload({ ...entry, details })).toThrow(RangeError);
  });

  it('drops secret-looking keys before the payload is built', () => {
    const payload = auditPayload({
      ...entry,
      details: { method: 'totp', code: '123456', newPassword: 'hunter2', nested: { apiKey: 'k' } },
    });

    expect(JSON.parse(payload.detailsJson)).toEqual({ method: 'totp', nested: {} });
    expect(payload.detailsJson).not.toMatch(/123456|hunter2/);
  });
});

describe('sanitiseAuditDetails', () => {
  it('drops secrets at any depth, inside arrays too, and names what it dropped', () => {
    const result = sanitiseAuditDetails({
      domain: 'mail.example',
      smtp: { host: 'smtp.example', password: 'p', access_token: 't' },
      devices: [{ name: 'phone', recoveryCodes: ['a', 'b'] }],
    });

    expect(result.details).toEqual({
      domain: 'mail.example',
      smtp: { host: 'smtp.example' },
      devices: [{ name: 'phone' }],
    });
    expect(result.stripped).toEqual([
      'smtp.password',
      'smtp.access_token',
      'devices[0].recoveryCodes',
    ]);
  });

  it('refuses details that are not a JSON object', () => {
    expect(() => sanitiseAuditDetails(['a'])).toThrow(/JSON object/);
    expect(() => sanitiseAuditDetails('text')).toThrow(/JSON object/);
  });
});

describe('looksSecret', () => {
  it.each([
    'password',
    'Password',
    'newPassword',
    'client_secret',
    'refresh-token',
    'tokens',
    'code',
    'verificationCode',
    'recovery_codes',
    'otp',
    'apiKey',
    'api_key',
    'privateKey',
    'Authorization',
    'sessionCookie',
  ])('treats %j as secret', (key) => {
    expect(looksSecret(key)).toBe(true);
  });

  it.each(['method', 'footprint', 'domain', 'keyId', 'tokenless', 'decoded', 'userId', 'passive'])(
    'keeps %j',
    (key) => {
      expect(looksSecret(key)).toBe(false);
    },
  );
});
