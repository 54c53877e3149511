import { hasChineseName, queryForms, searchKeys, soundForm } from './search-keys';

describe(searchKeys.name, () => {
  const keysOf = (person: Parameters<typeof searchKeys>[0], kind: string) =>
    searchKeys(person)
      .filter((key) => key.kind === kind)
      .map((key) => key.key);

  it('reads the surname as a surname and the given name as usual', () => {
    const person = { displayName: '尉迟乐天', surname: '尉迟', email: 'yuchiletian@example.cn' };

    expect(keysOf(person, 'pinyin')).toEqual(['yuchiletian']);
    expect(keysOf(person, 'initials')).toEqual(['yclt']);
    expect(keysOf(person, 'given_pinyin')).toEqual(['letian']);
  });

  it('keeps the given name alone as kinds of its own, with its initials', () => {
    const person = { displayName: '王小明', surname: '王', givenName: '小明', email: 'w@x.cn' };

    expect(keysOf(person, 'name')).toEqual(['王小明']);
    expect(keysOf(person, 'given_name')).toEqual(['小明']);
    expect(keysOf(person, 'given_pinyin')).toEqual(['xiaoming']);
    expect(keysOf(person, 'given_initials')).toEqual(['xm']);
  });

  it('has no given-name initials for a one-character given name: its pinyin starts so', () => {
    const person = { displayName: '赵磊', surname: '赵', givenName: '磊', email: 'z@x.cn' };

    expect(keysOf(person, 'given_pinyin')).toEqual(['lei']);
    expect(keysOf(person, 'given_initials')).toEqual([]);
  });

  it('gives a mixed-script name the keys of its Chinese part besides its Latin words', () => {
    const person = {
      displayName: 'David Wu 吴大卫',
      surname: 'Wu',
      givenName: 'David',
      email: 'david.wu@demo.confer.example',
    };

    expect(searchKeys(person).map((key) => `${key.kind}:${key.key}`)).toEqual([
      'name:davidwu吴大卫',
      'name:david',
      'name:wu',
      'name:吴大卫',
      'pinyin:wudawei',
      'initials:wdw',
      'given_name:大卫',
      'given_pinyin:dawei',
      'given_initials:dw',
      'email:david.wu@demo.confer.example',
      'email:david.wu',
    ]);
  });

  it('takes the Chinese name from the surname and given name when the display name has none', () => {
    const person = { displayName: 'David Wu', surname: '吴', givenName: '大卫', email: 'd@x.cn' };

    expect(keysOf(person, 'name')).toEqual(['davidwu', 'david', 'wu', '吴大卫']);
    expect(keysOf(person, 'pinyin')).toEqual(['wudawei']);
    expect(keysOf(person, 'initials')).toEqual(['wdw']);
    expect(keysOf(person, 'given_initials')).toEqual(['dw']);
  });

  it('adds at most six keys for the Chinese part, however long the name', () => {
    const latin = { displayName: 'Anna Maria Li', email: 'a@x.cn' };
    const mixed = { displayName: 'Anna Maria Li 李安娜玛丽亚', email: 'a@x.cn' };

    expect(searchKeys(mixed).length - searchKeys(latin).length).toBe(6);
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
    expect(hasChineseName(person)).toBe(false);
    expect(hasChineseName({ displayName: 'Alice', surname: '陈' })).toBe(true);
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
