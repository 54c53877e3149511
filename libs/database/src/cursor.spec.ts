import { ConferError } from '@confer/errors';

import { decodeCursor, encodeCursor, pageLimit } from './cursor';

const raw = (position: unknown) => Buffer.from(JSON.stringify(position)).toString('base64url');

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof ConferError ? `${error.httpStatus} ${error.code}` : 'not a ConferError';
  }

  return undefined;
}

describe('page cursors', () => {
  it('round-trips a position of every field type', () => {
    const position = {
      at: '2026-01-01T00:00:00.000Z',
      id: '7d9f3c1e-2b4a-4c6d-8e0f-1a2b3c4d5e6f',
      name: 'folder:private',
      seq: 7,
    };

    expect(
      decodeCursor(encodeCursor(position), {
        at: 'timestamp',
        id: 'uuid',
        name: 'string',
        seq: 'integer',
      }),
    ).toEqual(position);
  });

  it('keeps only the declared fields', () => {
    expect(decodeCursor(encodeCursor({ seq: 3, extra: 'x' }), { seq: 'integer' })).toEqual({
      seq: 3,
    });
  });

  it.each([
    '2024-02-29T23:59:59.999999Z',
    '0001-01-01T00:00:00+15:59',
    '9999-12-31T00:00:00-15:00',
  ])('accepts the real instant %s', (at) => {
    expect(decodeCursor(raw({ at }), { at: 'timestamp' })).toEqual({ at });
  });

  it('accepts the largest safe integer and zero', () => {
    expect(decodeCursor(raw({ s: Number.MAX_SAFE_INTEGER }), { s: 'integer' })).toEqual({
      s: Number.MAX_SAFE_INTEGER,
    });
    expect(decodeCursor(raw({ s: 0 }), { s: 'integer' })).toEqual({ s: 0 });
  });

  it.each([
    ['not base64 json', 'not base64 json', { seq: 'integer' }],
    ['an array', raw([]), { seq: 'integer' }],
    ['null', raw(null), { seq: 'integer' }],
    ['a missing field', raw({}), { seq: 'integer' }],
    ['a string for an integer', raw({ seq: 'seven' }), { seq: 'integer' }],
    ['a fraction', raw({ seq: 1.5 }), { seq: 'integer' }],
    ['1e300', raw({ seq: 1e300 }), { seq: 'integer' }],
    ['an unsafe integer', raw({ seq: 2 ** 53 }), { seq: 'integer' }],
    ['a negative integer', raw({ seq: -1 }), { seq: 'integer' }],
    ['a number for a string', raw({ name: 5 }), { name: 'string' }],
    ['a NUL in a string', raw({ name: 'a\u0000b' }), { name: 'string' }],
    ['a lone surrogate in a string', raw({ name: 'a\ud800b' }), { name: 'string' }],
    ['a non-UUID', raw({ id: 'me' }), { id: 'uuid' }],
    [
      'a UUID with trailing text',
      raw({ id: '7d9f3c1e-2b4a-4c6d-8e0f-1a2b3c4d5e6fx' }),
      { id: 'uuid' },
    ],
    ['a date without time', raw({ at: '2026-01-01' }), { at: 'timestamp' }],
    ['an impossible date', raw({ at: '2026-13-45T00:00:00Z' }), { at: 'timestamp' }],
    ['30 February', raw({ at: '2026-02-30T00:00:00Z' }), { at: 'timestamp' }],
    ['29 February of a common year', raw({ at: '2100-02-29T00:00:00Z' }), { at: 'timestamp' }],
    ['the year 0', raw({ at: '0000-06-01T00:00:00Z' }), { at: 'timestamp' }],
    ['an hour past 23', raw({ at: '2026-06-01T24:00:00Z' }), { at: 'timestamp' }],
    ['a zone beyond ±15:59', raw({ at: '2026-06-01T00:00:00-23:59' }), { at: 'timestamp' }],
    ['a timestamp as a number', raw({ at: 1767225600000 }), { at: 'timestamp' }],
  ] as const)('refuses %s with 400 request.cursor_invalid', (_name, cursor, fields) => {
    expect(codeOf(() => decodeCursor(cursor, fields))).toBe('400 request.cursor_invalid');
  });

  it('clamps page sizes', () => {
    expect(pageLimit(undefined, 50, 200)).toBe(50);
    expect(pageLimit(0, 50, 200)).toBe(50);
    expect(pageLimit(500, 50, 200)).toBe(200);
    expect(pageLimit(20, 50, 200)).toBe(20);
  });
});
