import { loadConfig } from '@confer/config';
import { z } from 'zod';

import { auditVariables, toAuditConfig } from './audit.config';

const schema = z.object(auditVariables);

describe('audit configuration', () => {
  it('keeps a year by default and consumes every service with an outbox', () => {
    const config = toAuditConfig(loadConfig(schema, {}));

    expect(config.retentionDays).toBe(365);
    expect(config.sources).toEqual(
      expect.arrayContaining(['auth-2fa', 'contacts', 'mail-bridge', 'messaging']),
    );
    expect(config.sources).not.toContain('gateway');
  });

  it('reads a retention and a list of sources', () => {
    const config = toAuditConfig(
      loadConfig(schema, { AUDIT_RETENTION_DAYS: '30', AUDIT_SOURCES: ' contacts, drive ' }),
    );

    expect(config.retentionDays).toBe(30);
    expect(config.sources).toEqual(['contacts', 'drive']);
  });

  it.each([
    [{ AUDIT_RETENTION_DAYS: '0' }],
    [{ AUDIT_RETENTION_DAYS: '100000' }],
    [{ AUDIT_SOURCES: ',' }],
    [{ AUDIT_SOURCES: 'contacts,Mail Bridge' }],
  ])('refuses %j', (env) => {
    expect(() => loadConfig(schema, env)).toThrow(/AUDIT_/);
  });
});
