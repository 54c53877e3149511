import { UserError } from './users.errors';
import { normaliseNewUser } from './user-input';

describe(normaliseNewUser.name, () => {
  const valid = { email: 'Li.Wei@Example.com', displayName: ' Li Wei ', roles: [] };

  it('folds the address and trims the name', () => {
    expect(normaliseNewUser(valid)).toEqual({
      email: 'li.wei@example.com',
      displayName: 'Li Wei',
      roles: [],
    });
  });

  it('deduplicates roles', () => {
    expect(normaliseNewUser({ ...valid, roles: ['org_admin', 'org_admin'] }).roles).toEqual([
      'org_admin',
    ]);
  });

  it.each([
    [{ email: 'nope' }, 'email'],
    [{ displayName: '   ' }, 'displayName'],
    [{ displayName: 'x'.repeat(201) }, 'displayName'],
    [{ displayName: 'tab\there' }, 'displayName'],
    [{ roles: ['system'] }, 'roles'],
    [{ roles: ['owner'] }, 'roles'],
  ])('refuses %j as an invalid %s', (change, field) => {
    let error: unknown;
    try {
      normaliseNewUser({ ...valid, ...change });
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({ kind: 'invalid', code: 'user.invalid', details: { field } });
  });
});
