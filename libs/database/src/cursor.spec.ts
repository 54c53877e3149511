import { ConferError } from '@confer/errors';

import { decodeCursor, encodeCursor, pageLimit } from './cursor';

describe('page cursors', () => {
  it('round-trips a position', () => {
    const cursor = encodeCursor({ at: '2026-01-01T00:00:00.000Z', id: 'abc', seq: 7 });

    expect(decodeCursor(cursor, { at: 'string', id: 'string', seq: 'number' })).toEqual({
      at: '2026-01-01T00:00:00.000Z',
      id: 'abc',
      seq: 7,
    });
  });

  it.each(['not base64 json', encodeCursor({ seq: 'seven' }), Buffer.from('[]').toString('base64url')])(
    'rejects a tampered cursor %s',
    (cursor) => {
      expect(() => decodeCursor(cursor, { seq: 'number' })).toThrow(ConferError);
    },
  );

  it('clamps page sizes', () => {
    expect(pageLimit(undefined, 50, 200)).toBe(50);
    expect(pageLimit(0, 50, 200)).toBe(50);
    expect(pageLimit(500, 50, 200)).toBe(200);
    expect(pageLimit(20, 50, 200)).toBe(20);
  });
});
