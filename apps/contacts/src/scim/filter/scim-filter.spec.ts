import { ConferError } from '@confer/errors';

import { escapeLike, filterToSql, FilterColumns } from './filter-sql';
import { matchesFilter } from './filter-match';
import { parseFilter } from './scim-filter';

const COLUMNS: FilterColumns = {
  username: { expression: 'u.user_name', type: 'string', caseExact: false },
  externalid: { expression: 'u.source_id', type: 'string', caseExact: true },
  emails: { expression: 'u.emails', type: 'string', caseExact: false, many: true },
  active: { expression: 'u.active', type: 'boolean', caseExact: true },
  'meta.lastmodified': { expression: 'u.updated_at', type: 'datetime', caseExact: true },
};

function failure(run: () => unknown): ConferError {
  try {
    run();
  } catch (error) {
    return error as ConferError;
  }
  throw new Error('expected a failure');
}

describe('parseFilter', () => {
  it('reads a comparison with a quoted value, case-insensitive operators and names', () => {
    expect(parseFilter('userName EQ "bjensen"')).toEqual({
      op: 'eq',
      attribute: 'username',
      value: 'bjensen',
    });
  });

  it('binds and tighter than or, and honours parentheses and not', () => {
    expect(parseFilter('a eq "1" or b eq "2" and c pr')).toEqual({
      op: 'or',
      left: { op: 'eq', attribute: 'a', value: '1' },
      right: {
        op: 'and',
        left: { op: 'eq', attribute: 'b', value: '2' },
        right: { op: 'pr', attribute: 'c' },
      },
    });
    expect(parseFilter('not (a eq "1" or b eq "2") and c eq true')).toMatchObject({
      op: 'and',
      left: { op: 'not', filter: { op: 'or' } },
      right: { op: 'eq', attribute: 'c', value: true },
    });
  });

  it('drops the core schema URN from an attribute and reads sub-attributes', () => {
    expect(
      parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:name.familyName co "O\'M"'),
    ).toEqual({
      op: 'co',
      attribute: 'name.familyname',
      value: "O'M",
    });
  });

  it('reads JSON escapes, numbers, null and value filters', () => {
    expect(parseFilter('displayName eq "say \\"hi\\" \\u4e2d"')).toMatchObject({
      value: 'say "hi" 中',
    });
    expect(parseFilter('x gt 10.5')).toMatchObject({ value: 10.5 });
    expect(parseFilter('x eq null')).toMatchObject({ value: null });
    expect(parseFilter('emails[type eq "work" and value ew "example.com"]')).toMatchObject({
      op: 'has',
      attribute: 'emails',
      filter: { op: 'and' },
    });
  });

  it.each([
    ['', 'ends where an attribute'],
    ['userName', 'operator'],
    ['userName eq', 'value'],
    ['userName xx "a"', 'Unknown operator'],
    ['userName eq "open', 'not closed'],
    ['userName eq bjensen', 'Expected a value'],
    ['(userName eq "a"', '")"'],
    ['userName eq "a" garbage', 'Unexpected'],
    ['"a" eq "b"', 'attribute name'],
    ['userName eq "bad \\x escape"', 'invalid escape'],
  ])('refuses %j as invalidFilter', (text, words) => {
    const error = failure(() => parseFilter(text));

    expect(error.code).toBe('scim.invalid_filter');
    expect(error.details).toEqual({ scimStatus: 400, scimType: 'invalidFilter' });
    expect(error.message).toContain(words);
  });

  it('refuses filters nested or long beyond the bounds', () => {
    expect(failure(() => parseFilter(`${'('.repeat(30)}a pr${')'.repeat(30)}`)).code).toBe(
      'scim.invalid_filter',
    );
    expect(failure(() => parseFilter(`a eq "${'x'.repeat(2_100)}"`)).message).toContain('longer');
  });
});

describe('filterToSql', () => {
  it('compares case-insensitive attributes through lower() with bound values', () => {
    expect(filterToSql(parseFilter('userName eq "BJensen"'), COLUMNS, 3)).toEqual({
      sql: '(lower(u.user_name) = lower($3))',
      parameters: ['BJensen'],
    });
  });

  it('compares caseExact attributes as they are', () => {
    expect(filterToSql(parseFilter('externalId eq "AbC"'), COLUMNS)).toEqual({
      sql: '(u.source_id = $1)',
      parameters: ['AbC'],
    });
  });

  it('escapes LIKE wildcards in sw, co and ew values', () => {
    const { sql, parameters } = filterToSql(
      parseFilter('userName sw "a%b_c\\\\" or userName co "x" or userName ew "y"'),
      COLUMNS,
    );

    expect(sql).toBe(
      '(((lower(u.user_name) LIKE lower($1)) OR (lower(u.user_name) LIKE lower($2))) OR (lower(u.user_name) LIKE lower($3)))',
    );
    expect(parameters).toEqual(['a\\%b\\_c\\\\%', '%x%', '%y']);
    expect(escapeLike('100%_\\')).toBe('100\\%\\_\\\\');
  });

  it('tests multi-valued attributes element by element', () => {
    expect(filterToSql(parseFilter('emails co "@example.com"'), COLUMNS).sql).toBe(
      'EXISTS (SELECT 1 FROM unnest(u.emails) AS v (x) WHERE (lower(v.x) LIKE lower($1)))',
    );
  });

  it('compiles pr, not, booleans and date-times', () => {
    const compiled = filterToSql(
      parseFilter(
        'externalId pr and not (active eq false) and meta.lastModified gt "2026-01-01T00:00:00Z"',
      ),
      COLUMNS,
    );

    expect(compiled.sql).toBe(
      "(((u.source_id IS NOT NULL AND u.source_id <> '') AND (NOT coalesce((u.active = $1::boolean), false))) AND (u.updated_at > $2::timestamptz))",
    );
    expect(compiled.parameters).toEqual([false, '2026-01-01T00:00:00.000Z']);
  });

  it.each([
    ['password eq "x"', 'cannot be filtered'],
    ['userName eq true', 'string'],
    ['active co "t"', 'boolean'],
    ['meta.lastModified gt "yesterday"', 'date-time'],
    ['emails[type eq "work"]', 'not supported'],
  ])('refuses %j as invalidFilter', (text, words) => {
    const error = failure(() => filterToSql(parseFilter(text), COLUMNS));

    expect(error.code).toBe('scim.invalid_filter');
    expect(error.message).toContain(words);
  });
});

describe('matchesFilter', () => {
  const work = { value: 'bjensen@example.com', type: 'work', primary: true };
  const home = { value: 'babs@jensen.org', type: 'home' };

  it('matches complex values on their sub-attributes, ignoring case', () => {
    const filter = parseFilter('type eq "WORK" and value ew "EXAMPLE.com"');

    expect([work, home].filter((item) => matchesFilter(filter, item))).toEqual([work]);
  });

  it('supports or, not, pr and booleans', () => {
    expect(matchesFilter(parseFilter('primary eq true'), work)).toBe(true);
    expect(matchesFilter(parseFilter('primary pr'), home)).toBe(false);
    expect(matchesFilter(parseFilter('not (type eq "home") or value co "jensen"'), home)).toBe(
      true,
    );
  });
});
