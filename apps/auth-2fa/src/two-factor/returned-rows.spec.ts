import { returnedRows } from './returned-rows';

describe(returnedRows.name, () => {
  it('takes the rows out of an UPDATE or DELETE answer', () => {
    expect(returnedRows([[{ id: 'a' }], 1])).toEqual([{ id: 'a' }]);
    expect(returnedRows([[], 0])).toEqual([]);
  });

  it('passes rows through as they are', () => {
    expect(returnedRows([{ id: 'a' }, { id: 'b' }])).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(returnedRows([])).toEqual([]);
  });
});
