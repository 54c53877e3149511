import { checkLdapSettings, LdapSettingsInput, StoredConnection } from './ldap-settings-input';

const input: LdapSettingsInput = {
  url: 'ldap://ldap.example.cn:389',
  bindDn: 'cn=confer-sync,ou=services,dc=example,dc=cn',
  bindPassword: '',
  peopleBaseDn: 'ou=people,dc=example,dc=cn',
  peopleFilter: '(objectClass=inetOrgPerson)',
  departmentsBaseDn: 'ou=org,dc=example,dc=cn',
  departmentsFilter: '(objectClass=organizationalUnit)',
  groupsBaseDn: '',
  groupsFilter: '(objectClass=groupOfNames)',
  attributeMap: {},
  disabledValues: [],
  adminGroupDn: '',
  syncIntervalSeconds: 0,
  startTls: true,
  tlsCaCertificate: '',
  tlsSkipVerify: false,
  pageSize: 0,
  timeoutSeconds: 0,
};

const stored: StoredConnection = {
  url: 'ldap://ldap.example.cn:389',
  bindDn: input.bindDn,
  startTls: true,
  tlsSkipVerify: false,
  tlsCaCertificate: '',
  hasPassword: true,
};

function problemsOf(change: Partial<LdapSettingsInput>, current = stored) {
  const checked = checkLdapSettings({ ...input, ...change }, current);

  return 'problems' in checked ? checked.problems : {};
}

describe(checkLdapSettings.name, () => {
  it('keeps the stored password while it would go to the same server as the same account', () => {
    expect(problemsOf({})).toEqual({});
    // The same server written another way is the same server.
    expect(problemsOf({ url: ' LDAP://LDAP.example.cn:389/ ', timeoutSeconds: 20 })).toEqual({});
    expect(problemsOf({}, { ...stored, url: 'ldap://ldap.example.cn:389/' })).toEqual({});
  });

  it.each<[string, Partial<LdapSettingsInput>]>([
    ['another host', { url: 'ldap://127.0.0.1:10389' }],
    ['another port', { url: 'ldap://ldap.example.cn:3389' }],
    ['another scheme', { url: 'ldaps://ldap.example.cn:389', startTls: false }],
    ['another account', { bindDn: 'cn=someone-else,dc=example,dc=cn' }],
    ['StartTLS turned off', { startTls: false }],
    ['certificate checks turned off', { tlsSkipVerify: true }],
    ['another trusted CA', { tlsCaCertificate: '' }],
  ])('wants the password typed again for %s, and takes the change with it', (_label, change) => {
    const current =
      _label === 'another trusted CA' ? { ...stored, tlsCaCertificate: 'a CA' } : stored;

    expect(problemsOf(change, current)).toEqual({
      bindPassword: ['must be given again when the URL, bind DN or TLS settings change'],
    });
    expect(problemsOf({ ...change, bindPassword: 'typed-again' }, current)).toEqual({});
  });

  it('wants a password with a bind DN when none is stored, and none for an anonymous bind', () => {
    expect(problemsOf({}, { ...stored, hasPassword: false }).bindPassword).toEqual([
      'is required with a bind DN when none is stored yet',
    ]);
    expect(checkLdapSettings({ ...input, url: 'ldap://elsewhere.example' }, undefined)).toEqual({
      problems: { bindPassword: ['is required with a bind DN when none is stored yet'] },
    });
    expect(problemsOf({ bindDn: '', url: 'ldap://elsewhere.example' })).toEqual({});
  });

  it('stores the URL with its scheme in lower case, so TLS options apply to LDAPS:// too', () => {
    const checked = checkLdapSettings(
      { ...input, url: ' LDAPS://Ldap.Example.CN:636/ ', startTls: false, bindPassword: 'secret' },
      stored,
    );

    expect(checked).toMatchObject({ settings: { url: 'ldaps://ldap.example.cn:636' } });
    expect(problemsOf({ url: 'LDAP://ldap.example.cn:389' })).toEqual({});
    expect(problemsOf({ url: 'LDAPS://ldap.example.cn', bindPassword: 'x' }).startTls).toEqual([
      'applies to ldap:// URLs only (ldaps:// is TLS from the start)',
    ]);
    expect(problemsOf({ url: 'ldap://ldap.example.cn:0', bindPassword: 'x' }).url).toEqual([
      'must name a port from 1 to 65535 (or none for the default)',
    ]);
  });

  it.each(['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf'])(
    'refuses %s in the attribute map as an unknown field',
    (field) => {
      const map = JSON.parse(`{"${field}": "mail"}`) as Record<string, string>;

      expect(problemsOf({ attributeMap: map }).attributeMap?.[0]).toMatch(
        new RegExp(`^unknown field "${field}"`),
      );
    },
  );

  it.each([
    ['title', 'userPassword'],
    ['mobile', 'UNICODEPWD'],
    ['deskPhone', 'sambaNTPassword'],
    ['employeeNumber', 'ms-Mcs-AdmPwd'],
  ])('refuses mapping %s to the credential attribute %s', (field, attribute) => {
    expect(problemsOf({ attributeMap: { [field]: attribute } })).toEqual({
      attributeMap: [`"${attribute}" holds credentials and may not be mapped`],
    });
  });
});
