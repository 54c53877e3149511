import { buildDepartmentTree, toPersonRecord } from './directory-records';
import { DirectoryEntry } from './ldap-directory';
import { DEFAULT_ATTRIBUTE_MAP, parseAttributeMap } from './ldap-settings';

function entry(dn: string, values: Record<string, string[]>): DirectoryEntry {
  return {
    sourceId: `id-${dn}`,
    dn,
    modifiedAt: '20260101000000Z',
    values: new Map(Object.entries(values).map(([name, list]) => [name.toLowerCase(), list])),
    undecodable: new Set(),
  };
}

describe(toPersonRecord.name, () => {
  const map = (values: Record<string, string[]>) =>
    toPersonRecord(
      entry('uid=x,ou=people,dc=example,dc=cn', values),
      DEFAULT_ATTRIBUTE_MAP,
      'example.cn',
      ['disabled'],
    );

  it('folds addresses, keeps the first as primary and reads the disabled flag', () => {
    expect(
      map({
        mail: ['Li.Wei@Example.CN', 'alias@example.cn'],
        displayName: ['李伟'],
        employeeType: ['Disabled'],
      }),
    ).toEqual({
      record: expect.objectContaining({
        email: 'li.wei@example.cn',
        secondaryEmails: ['alias@example.cn'],
        displayName: '李伟',
        disabled: true,
      }),
    });
  });

  it.each([
    [{ displayName: ['李伟'] }, 'missing_mail'],
    [{ mail: ['not an address'], displayName: ['李伟'] }, 'bad_value'],
    [{ mail: ['li@other.example'], displayName: ['李伟'] }, 'mail_outside_domain'],
    [{ mail: ['li@example.cn'] }, 'bad_value'],
    [{ mail: ['li@example.cn'], displayName: ['李伟'], title: ['a\u0000b'] }, 'bad_value'],
  ])('refuses %j as %s', (values, reason) => {
    expect(map(values)).toEqual({ failure: expect.objectContaining({ reason }) });
  });
});

describe(buildDepartmentTree.name, () => {
  const base = 'ou=org,dc=example,dc=cn';

  it('places departments under their DN parents, parents first', () => {
    const tree = buildDepartmentTree(
      [
        entry(`ou=Team,ou=Site,${base}`, { ou: ['Team'] }),
        entry(`ou=Site,${base}`, { ou: ['Site'] }),
        entry(base, { ou: ['org'] }),
      ],
      base,
      'ou',
    );

    expect(tree.failures).toEqual([]);
    expect(tree.nodes.map((node) => [node.name, node.parentSourceId, node.path.length])).toEqual([
      ['Site', null, 1],
      ['Team', `id-ou=Site,${base}`, 2],
    ]);
  });

  it('fails a department whose parent is not a department, and its children', () => {
    const tree = buildDepartmentTree(
      [
        entry(`ou=Team,ou=Hidden,${base}`, { ou: ['Team'] }),
        entry(`ou=Squad,ou=Team,ou=Hidden,${base}`, { ou: ['Squad'] }),
      ],
      base,
      'ou',
    );

    expect(tree.nodes).toEqual([]);
    expect(tree.failures.map((failure) => failure.reason)).toEqual([
      'unknown_department',
      'unknown_department',
    ]);
  });
});

describe(parseAttributeMap.name, () => {
  it('overrides the named fields only', () => {
    expect(parseAttributeMap('deskPhone=homePhone, status=description')).toEqual({
      ...DEFAULT_ATTRIBUTE_MAP,
      deskPhone: 'homePhone',
      status: 'description',
    });
  });

  it.each(['phone=homePhone', 'mobile=', 'mobile=a b'])('refuses %j', (text) => {
    expect(() => parseAttributeMap(text)).toThrow();
  });
});
