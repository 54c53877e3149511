import { normaliseDomain, validateMailDomain } from './mail-domain-input';

const VALID = {
  domain: 'Mail.Confer.Test',
  host: '127.0.0.1',
  port: 10143,
  tls: 'starttls',
  rejectUnauthorized: false,
};

describe(validateMailDomain.name, () => {
  it('lower-cases the domain and keeps the rest', () => {
    expect(validateMailDomain(VALID)).toEqual({ ...VALID, domain: 'mail.confer.test' });
  });

  it('accepts a host name as well as an IP address', () => {
    expect(validateMailDomain({ ...VALID, host: 'IMAP.example.com' }).host).toBe(
      'imap.example.com',
    );
    expect(validateMailDomain({ ...VALID, host: '::1' }).host).toBe('::1');
  });

  it.each([
    ['domain', { domain: 'localhost' }],
    ['domain', { domain: '-bad.example' }],
    ['domain', { domain: 'a b.example' }],
    ['host', { host: '' }],
    ['host', { host: 'imap_server.example' }],
    ['port', { port: 0 }],
    ['port', { port: 65536 }],
    ['port', { port: 1.5 }],
    ['tls', { tls: 'ssl' }],
  ])('refuses a bad %s with mail.domain_invalid naming it', (field, change) => {
    expect(() => validateMailDomain({ ...VALID, ...change })).toThrow(
      expect.objectContaining({ code: 'mail.domain_invalid', details: { field } }),
    );
  });
});

describe(normaliseDomain.name, () => {
  it('trims and lower-cases', () => {
    expect(normaliseDomain(' Example.COM ')).toBe('example.com');
  });

  it('refuses names longer than 253 characters', () => {
    expect(normaliseDomain(`${'a.'.repeat(127)}com`)).toBeUndefined();
  });
});
