import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { DEMO_ADMIN, DEMO_ORGANISATION, DEMO_PEOPLE } from './demo-people';
import { LOCAL_DIRECTORY, parseLdif, readLdif, rebase } from './directory-loader';
import { DEMO_LDIF, DEMO_LDIF_SUFFIX } from './seed-demo';

describe('the demo directory', () => {
  const entries = readLdif(DEMO_LDIF);
  const people = entries.filter((entry) =>
    entry.attributes.get('objectClass')?.includes('inetOrgPerson'),
  );

  it('holds exactly the demo people, with their names and addresses', () => {
    expect(
      people.map((entry) => [entry.attributes.get('mail'), entry.attributes.get('displayName')]),
    ).toEqual(DEMO_PEOPLE.map((person) => [[person.email], [person.displayName]]));
    expect(people.every((entry) => entry.dn.endsWith(`,${DEMO_LDIF_SUFFIX}`))).toBe(true);
  });

  it('makes only the demo administrator a member of the administrators group', () => {
    const administrators = entries.find((entry) => entry.dn.startsWith('cn=administrators,'))!;
    const admin = people.find((entry) => entry.attributes.get('mail')?.[0] === DEMO_ADMIN.email)!;

    expect(administrators.attributes.get('member')).toEqual([admin.dn]);
    expect(DEMO_PEOPLE.filter((person) => person.roles.includes('org_admin'))).toEqual([
      DEMO_ADMIN,
    ]);
    expect(DEMO_ADMIN.email.endsWith(`@${DEMO_ORGANISATION.domain}`)).toBe(true);
  });

  it('places every demo person in a department group', () => {
    const members = entries
      .filter((entry) => entry.dn.includes(',ou=groups,'))
      .flatMap((entry) => entry.attributes.get('member') ?? []);

    expect(new Set(members)).toEqual(new Set(people.map((entry) => entry.dn)));
  });
});

describe(rebase.name, () => {
  it('moves DNs and DN values below the new suffix and leaves the old root out', () => {
    const moved = rebase(
      parseLdif(
        [
          'dn: dc=example,dc=cn',
          'objectClass: dcObject',
          '',
          'dn: cn=g,ou=groups,dc=example,dc=cn',
          'member: uid=a,ou=people,dc=example,dc=cn',
          'description:: b3U95biC5Zy66YOoLG91PW9yZyxkYz1leGFtcGxlLGRjPWNu',
        ].join('\n'),
      ),
      'dc=example,dc=cn',
      'ou=run,dc=example,dc=cn',
    );

    expect(moved).toEqual([
      {
        dn: 'cn=g,ou=groups,ou=run,dc=example,dc=cn',
        attributes: new Map([
          ['member', ['uid=a,ou=people,ou=run,dc=example,dc=cn']],
          ['description', ['ou=市场部,ou=org,ou=run,dc=example,dc=cn']],
        ]),
      },
    ]);
  });
});

describe('LOCAL_DIRECTORY', () => {
  it('is the test directory server the scripts run', () => {
    const fixture = JSON.parse(
      readFileSync(
        join(__dirname, '..', '..', 'testing', 'fixtures', 'directory-server.json'),
        'utf8',
      ),
    ) as { host: string; port: number; bindDn: string; password: string; baseDn: string };

    expect(LOCAL_DIRECTORY).toEqual({
      url: `ldap://${fixture.host}:${fixture.port}`,
      bindDn: fixture.bindDn,
      password: fixture.password,
      baseDn: fixture.baseDn,
    });
  });
});
