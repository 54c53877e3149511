import { queryForms, searchKeys, soundForm } from './search-keys';

describe(searchKeys.name, () => {
  const keysOf = (person: Parameters<typeof searchKeys>[0], kind: string) =>
    searchKeys(person)
      .filter((key) => key.kind === kind)
      .map((key) => key.key);

  it('reads the surname as a surname and the given name as usual', () => {
    const person = { displayName: '尉迟乐天', surname: '尉迟', email: 'yuchiletian@example.cn' };

    expect(keysOf(person, 'pinyin')).toEqual(['yuchiletian', 'letian']);
    expect(keysOf(person, 'initials')).toEqual(['yclt']);
  });

  it('guesses a compound surname when the directory gives none', () => {
    expect(keysOf({ displayName: '欧阳喆', email: 'o@example.cn' }, 'pinyin')[0]).toBe('ouyangzhe');
    expect(keysOf({ displayName: '单勇', email: 's@example.cn' }, 'pinyin')[0]).toBe('shanyong');
  });

  it('keeps English names whole and by word, and addresses with their local parts', () => {
    const person = {
      displayName: 'Alice Chen',
      email: 'achen@example.cn',
      secondaryEmails: ['alice@example.cn'],
    };

    expect(keysOf(person, 'name')).toEqual(['alicechen', 'alice', 'chen']);
    expect(keysOf(person, 'email')).toEqual([
      'achen@example.cn',
      'achen',
      'alice@example.cn',
      'alice',
    ]);
    expect(keysOf(person, 'pinyin')).toEqual([]);
  });
});

describe(queryForms.name, () => {
  it('adds the pinyin of a query mixing Chinese and Latin letters', () => {
    expect(queryForms(' 欧阳Z ')).toEqual(['欧阳z', 'ouyangz']);
  });

  it('keeps a plain query as typed, lower case, without spaces', () => {
    expect(queryForms('Alice Chen')).toEqual(['alicechen']);
    expect(queryForms('   ')).toEqual([]);
    expect(queryForms('a\u0000chen\u0007')).toEqual(['achen']);
  });
});

describe(soundForm.name, () => {
  it('reads a query in Chinese characters as a name, surname first', () => {
    expect(soundForm('张伟铭')).toBe('zhangweiming');
    expect(soundForm('单永')).toBe('shanyong');
    expect(soundForm(' 欧阳 哲 ')).toBe('ouyangzhe');
  });

  it('has none for a query without Chinese characters', () => {
    expect(soundForm('zhangwei')).toBeUndefined();
    expect(soundForm('%_\\')).toBeUndefined();
  });
});
