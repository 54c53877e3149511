import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ConferError } from '@confer/errors';

import { applyPatch } from '../patch/scim-patch';
import { SCHEMA } from '../scim-json';
import { fromScimUser, ScimUserRow, toScimUser } from './scim-user-mapping';

const FIXTURES = join(__dirname, '../../../test/fixtures/scim');
const fixture = (name: string) =>
  JSON.parse(readFileSync(join(FIXTURES, `scim--${name}.json`), 'utf8')) as Record<string, unknown>;

function failure(run: () => unknown): ConferError {
  try {
    run();
  } catch (error) {
    return error as ConferError;
  }
  throw new Error('expected a failure');
}

const ROW: ScimUserRow = {
  id: '6f1c1c9e-2b1a-4a43-9d5e-2f7f0b8c1a11',
  orgId: '0b6f1f49-5f2e-4f0e-8d43-3f6f3a1e2c22',
  email: 'bjensen@example.com',
  secondaryEmails: ['babs@jensen.org'],
  emailTypes: { 'babs@jensen.org': 'home' },
  userName: 'bjensen@example.com',
  displayName: 'Babs Jensen',
  surname: 'Jensen',
  givenName: 'Barbara',
  title: 'Tour Guide',
  deskPhone: '555-555-5555',
  mobile: '555-555-4444',
  employeeNumber: '701984',
  departmentLabel: 'Tour Operations',
  sourceId: '701984',
  status: 'active',
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-02T00:00:00Z'),
};

describe('SCIM user mapping', () => {
  it('keeps what the RFC enterprise user sets and accepts the rest without keeping it', () => {
    expect(fromScimUser(fixture('rfc7643-8.3-enterprise_user'), 'example.com')).toEqual({
      userName: 'bjensen@example.com',
      email: 'bjensen@example.com',
      secondaryEmails: ['babs@jensen.org'],
      emailTypes: { 'bjensen@example.com': 'work', 'babs@jensen.org': 'home' },
      displayName: 'Babs Jensen',
      surname: 'Jensen',
      givenName: 'Barbara',
      title: 'Tour Guide',
      deskPhone: '555-555-5555',
      mobile: '555-555-4444',
      employeeNumber: '701984',
      departmentLabel: 'Tour Operations',
      sourceId: '701984',
      status: 'active',
    });
  });

  it('forms the login address from a userName that is not one, and the name from name.formatted', () => {
    const fields = fromScimUser(fixture('rfc7644-3.3-user-post_request'), 'example.com');

    expect(fields).toMatchObject({
      userName: 'bjensen',
      email: 'bjensen@example.com',
      displayName: 'Ms. Barbara J Jensen III',
      sourceId: 'bjensen',
      status: 'active',
    });
  });

  it('keeps the userName as the login address when the work address is removed', () => {
    const remaining = fromScimUser(
      {
        schemas: [SCHEMA.user],
        userName: 'bjensen@example.com',
        emails: [{ value: 'babs@jensen.org', type: 'home' }],
      },
      'example.com',
    );

    expect(remaining).toMatchObject({
      email: 'bjensen@example.com',
      secondaryEmails: ['babs@jensen.org'],
    });
  });

  it('writes the representation a client reads back, with a version that follows the content', () => {
    const resource = toScimUser(ROW, [{ id: 'd1', name: 'Tours' }], 'https://c.example/scim/v2');

    expect(resource).toMatchObject({
      schemas: [SCHEMA.user, SCHEMA.enterpriseUser],
      id: ROW.id,
      externalId: '701984',
      userName: 'bjensen@example.com',
      name: { familyName: 'Jensen', givenName: 'Barbara' },
      active: true,
      emails: [
        { value: 'bjensen@example.com', type: 'work', primary: true },
        { value: 'babs@jensen.org', type: 'home' },
      ],
      phoneNumbers: [
        { value: '555-555-5555', type: 'work' },
        { value: '555-555-4444', type: 'mobile' },
      ],
      groups: [{ value: 'd1', display: 'Tours', $ref: 'https://c.example/scim/v2/Groups/d1' }],
      [SCHEMA.enterpriseUser]: { employeeNumber: '701984', department: 'Tour Operations' },
      meta: { resourceType: 'User', location: `https://c.example/scim/v2/Users/${ROW.id}` },
    });
    const version = (resource.meta as { version: string }).version;
    expect(version).toMatch(/^W\/"[\w-]+"$/);
    const same = toScimUser(
      { ...ROW, updatedAt: new Date() },
      [{ id: 'd1', name: 'Tours' }],
      'https://c.example/scim/v2',
    );
    const other = toScimUser(
      { ...ROW, title: 'Lead' },
      [{ id: 'd1', name: 'Tours' }],
      'https://c.example/scim/v2',
    );
    expect((same.meta as { version: string }).version).toBe(version);
    expect((other.meta as { version: string }).version).not.toBe(version);
  });

  it('reads its own representation back to the same fields', () => {
    const resource = toScimUser(ROW, [], 'https://c.example/scim/v2');

    expect(fromScimUser(resource, 'example.com')).toMatchObject({
      email: ROW.email,
      secondaryEmails: ROW.secondaryEmails,
      displayName: ROW.displayName,
      deskPhone: ROW.deskPhone,
      mobile: ROW.mobile,
      sourceId: ROW.sourceId,
    });
  });

  it.each([
    [{ userName: 'x' }, 'scim.invalid_syntax', 'schemas'],
    [{ schemas: [SCHEMA.user] }, 'scim.invalid_value', 'userName'],
    [{ schemas: [SCHEMA.user], userName: 'a@other.example' }, 'scim.invalid_value', 'domain'],
    [
      { schemas: [SCHEMA.user], userName: 'a', emails: [{ value: 'nope' }] },
      'scim.invalid_value',
      'emails[0]',
    ],
    [
      {
        schemas: [SCHEMA.user],
        userName: 'a',
        emails: [
          { value: 'a@example.com', primary: true },
          { value: 'b@example.com', primary: true },
        ],
      },
      'scim.invalid_value',
      'primary',
    ],
    [{ schemas: [SCHEMA.user], userName: 'a', active: 'maybe' }, 'scim.invalid_value', 'active'],
    [
      { schemas: [SCHEMA.user], userName: 'a', displayName: 'x\u0000y' },
      'scim.invalid_value',
      'displayName',
    ],
    [{ schemas: [SCHEMA.user], userName: 'a', name: 'Ann' }, 'scim.invalid_value', 'name'],
    [{ schemas: [SCHEMA.user], userName: 'not an address!' }, 'scim.invalid_value', 'local part'],
  ])('refuses %j', (body, code, words) => {
    const error = failure(() => fromScimUser(body, 'example.com'));

    expect(error.code).toBe(code);
    expect(error.message).toContain(words);
  });

  it('reads "False" for active, as some clients send it', () => {
    expect(
      fromScimUser({ schemas: [SCHEMA.user], userName: 'a', active: 'False' }, 'example.com')
        .status,
    ).toBe('disabled');
  });
});

describe('SCIM PATCH', () => {
  const rules = { extensions: [SCHEMA.enterpriseUser], readOnly: ['id', 'meta', 'groups'] };
  const user = () => toScimUser(ROW, [], 'https://c.example/scim/v2');
  const patch = (...Operations: unknown[]) => ({ schemas: [SCHEMA.patchOp], Operations });

  it('removes the values a path filter selects (the RFC example)', () => {
    const result = applyPatch(
      user(),
      fixture('rfc7644-3.5.2.2-patch_op-remove_multi_complex_value'),
      rules,
    );

    expect(result.emails).toEqual([{ value: 'babs@jensen.org', type: 'home' }]);
  });

  it('replaces active, sub-attributes and extension attributes by path, case-insensitively', () => {
    const result = applyPatch(
      user(),
      patch(
        { op: 'Replace', path: 'active', value: false },
        { op: 'replace', path: 'name.givenName', value: 'Babs' },
        { op: 'add', path: `${SCHEMA.enterpriseUser}:employeeNumber`, value: '42' },
        { op: 'replace', path: 'emails[type eq "home"].value', value: 'b@jensen.org' },
      ),
      rules,
    );

    expect(result.active).toBe(false);
    expect(result.name).toEqual({ familyName: 'Jensen', givenName: 'Babs' });
    expect(result[SCHEMA.enterpriseUser]).toMatchObject({ employeeNumber: '42' });
    expect(result.emails).toContainEqual({ value: 'b@jensen.org', type: 'home' });
  });

  it('adds to multi-valued attributes without doubles and keeps one primary', () => {
    const result = applyPatch(
      user(),
      patch({
        op: 'add',
        path: 'emails',
        value: [
          { value: 'babs@jensen.org', type: 'home' },
          { value: 'new@example.com', type: 'work', primary: true },
        ],
      }),
      rules,
    );

    expect(result.emails).toEqual([
      { value: 'bjensen@example.com', type: 'work', primary: false },
      { value: 'babs@jensen.org', type: 'home' },
      { value: 'new@example.com', type: 'work', primary: true },
    ]);
  });

  it('applies a value without a path attribute by attribute', () => {
    const result = applyPatch(
      user(),
      patch({ op: 'replace', value: { displayName: 'B. Jensen', title: 'Lead', id: ROW.id } }),
      rules,
    );

    expect(result).toMatchObject({ displayName: 'B. Jensen', title: 'Lead' });
  });

  it.each([
    [{ op: 'replace', path: 'id', value: 'x' }, 'scim.mutability'],
    [{ op: 'add', path: 'groups', value: [{ value: 'x' }] }, 'scim.mutability'],
    [{ op: 'replace', value: { id: 'other' } }, 'scim.mutability'],
    [{ op: 'remove', path: 'emails[type eq "fax"]' }, 'scim.no_target'],
    [{ op: 'remove' }, 'scim.no_target'],
    [{ op: 'move', path: 'title' }, 'scim.invalid_syntax'],
    [{ op: 'add', path: 'title' }, 'scim.invalid_syntax'],
    [{ op: 'add', path: 'emails[type eq', value: 'x' }, 'scim.invalid_path'],
    [{ op: 'add', path: '1title', value: 'x' }, 'scim.invalid_path'],
  ])('refuses %j and leaves the resource unchanged', (operation, code) => {
    const before = user();
    const error = failure(() => applyPatch(before, patch(operation), rules));

    expect(error.code).toBe(code);
    expect(before).toEqual(user());
  });

  it('refuses a body that is not a PatchOp', () => {
    expect(failure(() => applyPatch(user(), { Operations: [] }, rules)).code).toBe(
      'scim.invalid_syntax',
    );
    expect(failure(() => applyPatch(user(), patch(), rules)).code).toBe('scim.invalid_syntax');
  });
});
