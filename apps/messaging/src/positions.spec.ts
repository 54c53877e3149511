import { ConferError } from '@confer/errors';

import { requestPosition } from './positions';

describe(requestPosition.name, () => {
  it('takes zero, an absent value and the largest safe integer', () => {
    expect(requestPosition(0, 'seq')).toBe(0);
    expect(requestPosition(undefined, 'seq')).toBe(0);
    expect(requestPosition(Number.MAX_SAFE_INTEGER, 'seq')).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each([
    ['a value beyond 2^53', 2 ** 53],
    ['the largest int64 as a number', Number('9223372036854775807')],
    ['1e23', 1e23],
    ['a negative value', -1],
    ['a fraction', 1.5],
    ['NaN', Number.NaN],
  ])('refuses %s with 400 request.invalid naming the field', (_name, value) => {
    let error: unknown;
    try {
      requestPosition(value, 'since');
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(ConferError);
    expect((error as ConferError).httpStatus).toBe(400);
    expect((error as ConferError).code).toBe('request.invalid');
    expect((error as ConferError).details?.fields).toHaveProperty('since');
  });
});
