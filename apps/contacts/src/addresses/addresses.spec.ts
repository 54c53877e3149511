import { domainOf, foldDomain, foldEmail } from './addresses';

describe(foldEmail.name, () => {
  it('folds case in both parts', () => {
    expect(foldEmail('  Li.Wei@Example.COM ')).toBe('li.wei@example.com');
  });

  it('turns an internationalised domain into its A-labels', () => {
    expect(foldEmail('wang@例子.中国')).toBe('wang@xn--fsqu00a.xn--fiqs8s');
  });

  it('keeps a non-ASCII local part, normalised and lower-cased', () => {
    expect(foldEmail('Ä\u0308x@example.com')).toBe(foldEmail('ä\u0308X@example.com'));
    expect(foldEmail('张伟@example.com')).toBe('张伟@example.com');
  });

  it.each([
    '',
    'no-at-sign',
    '@example.com',
    'user@',
    'user@localhost',
    'user@exa mple.com',
    'us er@example.com',
    'user..name@example.com',
    '.user@example.com',
    '"quoted"@example.com',
    'user@-bad.example.com',
    `${'a'.repeat(65)}@example.com`,
    `user@${'a'.repeat(61)}.${'b'.repeat(61)}.${'c'.repeat(61)}.${'d'.repeat(61)}.com`,
  ])('refuses %j', (input) => {
    expect(foldEmail(input)).toBeUndefined();
  });
});

describe(foldDomain.name, () => {
  it('lower-cases and drops a trailing dot', () => {
    expect(foldDomain('Mail.Example.COM.')).toBe('mail.example.com');
  });

  it.each(['', 'example', 'exa_mple.com', 'a..b.com'])('refuses %j', (input) => {
    expect(foldDomain(input)).toBeUndefined();
  });
});

describe(domainOf.name, () => {
  it('returns the part after the last @', () => {
    expect(domainOf('li@example.com')).toBe('example.com');
  });
});
