import { pinyin } from 'pinyin-pro';

export type SearchKeyKind = 'name' | 'pinyin' | 'initials' | 'email';

export interface SearchKey {
  kind: SearchKeyKind;
  key: string;
}

export interface SearchablePerson {
  displayName: string;
  surname?: string | null;
  givenName?: string | null;
  email: string;
  secondaryEmails?: string[];
}

const HAN = /\p{Script=Han}/u;
const LATIN_WORD = /[\p{Script=Latin}\p{N}]+/gu;

// Compound surnames pinyin-pro's surname mode knows; used to find where the surname
// ends when the directory gives a display name but no surname.
const COMPOUND_SURNAMES = new Set([
  '欧阳',
  '司马',
  '尉迟',
  '长孙',
  '诸葛',
  '上官',
  '东方',
  '皇甫',
  '夏侯',
  '公孙',
  '慕容',
  '令狐',
  '宇文',
  '司徒',
  '端木',
  '轩辕',
  '澹台',
  '南宫',
  '西门',
  '独孤',
  '呼延',
  '万俟',
]);

/**
 * Every key a person can be found by, computed once at sync time: the name as
 * written and its words, for Chinese names the full pinyin and its initials
 * (the surname read as a surname: 单 shan, 曾 zeng, 尉迟 yuchi), and each
 * address with its local part. Keys are lower case, NFC, without spaces.
 */
export function searchKeys(person: SearchablePerson): SearchKey[] {
  const keys = new Map<string, SearchKey>();
  const add = (kind: SearchKeyKind, key: string): void => {
    const folded = foldQuery(key);
    if (folded) {
      keys.set(`${kind}:${folded}`, { kind, key: folded });
    }
  };

  const name = person.displayName.normalize('NFC').trim();
  add('name', name);
  for (const word of name.match(LATIN_WORD) ?? []) {
    add('name', word);
  }
  if (HAN.test(name)) {
    const syllables = nameSyllables(name, person.surname ?? undefined);
    add('pinyin', syllables.join(''));
    add('initials', syllables.map((syllable) => syllable[0]).join(''));
    // The given name alone, as colleagues often type it.
    const surnameLength = surnameOf(name, person.surname ?? undefined).length;
    if (surnameLength > 0 && surnameLength < name.length) {
      add('name', name.slice(surnameLength));
      add('pinyin', syllables.slice(surnameLength).join(''));
    }
  }
  for (const address of [person.email, ...(person.secondaryEmails ?? [])]) {
    add('email', address);
    add('email', address.slice(0, address.lastIndexOf('@')));
  }

  return [...keys.values()];
}

/**
 * The forms of a typed query to match keys with: as typed (lower case, no
 * spaces), and with its Chinese characters turned into pinyin, so that 欧阳z
 * finds ouyangzhe. At most two forms.
 */
export function queryForms(query: string): string[] {
  const folded = foldQuery(query);
  if (!folded) {
    return [];
  }
  const forms = [folded];
  if (HAN.test(folded) && /[a-z]/.test(folded)) {
    forms.push(nameSyllables(folded, undefined).join(''));
  }

  return [...new Set(forms)];
}

/**
 * The pinyin of a query written in Chinese characters (surname read as a
 * surname), or undefined when it has none. The fuzzy branch looks it up, so
 * that 张伟铭 finds 张伟明: the same sound typed with another character is the
 * commonest slip with a pinyin input method.
 */
export function soundForm(query: string): string | undefined {
  const folded = foldQuery(query);
  if (!HAN.test(folded)) {
    return undefined;
  }
  const sound = nameSyllables(folded, undefined).join('');

  return /^[a-z]+$/.test(sound) ? sound : undefined;
}

/**
 * Lower case, NFC, spaces removed; control characters too (PostgreSQL text
 * cannot hold a NUL, and no one types the others into a name).
 */
export function foldQuery(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/[\s\p{Cc}]+/gu, '');
}

/** One pinyin syllable (no tones, lower case) per character; non-Han runs kept whole. */
function nameSyllables(name: string, surname: string | undefined): string[] {
  const family = surnameOf(name, surname);
  const rest = name.slice(family.length);

  return [...(family ? toPinyin(family, true) : []), ...(rest ? toPinyin(rest, false) : [])].filter(
    Boolean,
  );
}

function toPinyin(text: string, asSurname: boolean): string[] {
  return pinyin(text, {
    toneType: 'none',
    type: 'array',
    mode: asSurname ? 'surname' : 'normal',
    nonZh: 'consecutive',
    v: true,
  }).map((syllable) => syllable.toLowerCase().replace(/\s+/g, ''));
}

/** The part of a Chinese name that is the surname: the directory's, or a guess. */
function surnameOf(name: string, surname: string | undefined): string {
  const given = surname?.normalize('NFC').trim();
  if (given && HAN.test(given) && name.startsWith(given)) {
    return given;
  }
  if (!HAN.test(name[0] ?? '')) {
    return '';
  }

  return COMPOUND_SURNAMES.has(name.slice(0, 2)) ? name.slice(0, 2) : name.slice(0, 1);
}
