import { ConferError } from '@confer/errors';

import { normaliseName, normaliseNewContact, normaliseNote } from './personal-contact-input';

function fieldOf(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error instanceof ConferError ? [error.code, error.details?.field] : 'other';
  }

  return undefined;
}

describe(normaliseNewContact.name, () => {
  it('folds the address and trims the name and note, keeping line breaks in the note', () => {
    expect(
      normaliseNewContact({
        email: ' Li.Na@Partner.EXAMPLE ',
        displayName: ' Li Na ',
        note: ' a\nb ',
      }),
    ).toEqual({ email: 'li.na@partner.example', displayName: 'Li Na', note: 'a\nb' });
    expect(normaliseName('   ')).toBeNull();
  });

  it('refuses a bad address, control characters and over-long text', () => {
    expect([
      fieldOf(() => normaliseNewContact({ email: 'not an address' })),
      fieldOf(() => normaliseName('a\u0007b')),
      fieldOf(() => normaliseName('x'.repeat(201))),
      fieldOf(() => normaliseNote('a\u0000b')),
      fieldOf(() => normaliseNote('x'.repeat(2001))),
    ]).toEqual([
      ['personal_contact.invalid', 'email'],
      ['personal_contact.invalid', 'displayName'],
      ['personal_contact.invalid', 'displayName'],
      ['personal_contact.invalid', 'note'],
      ['personal_contact.invalid', 'note'],
    ]);
  });

  it('counts characters, not UTF-16 units: 200 names of rare CJK characters fit, 201 do not', () => {
    // U+2000B is outside the Basic Multilingual Plane: two UTF-16 units, one character.
    const rare = '\u{2000B}';

    expect(normaliseName(rare.repeat(200))).toBe(rare.repeat(200));
    expect(fieldOf(() => normaliseName(rare.repeat(201)))).toEqual([
      'personal_contact.invalid',
      'displayName',
    ]);
  });
});
