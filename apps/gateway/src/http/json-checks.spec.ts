import { findJsonProblem, jsonProblemError, MAX_JSON_DEPTH } from './json-checks';

const nestedObjects = (depth: number) =>
  JSON.parse(`${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`) as unknown;
const nestedArrays = (depth: number) =>
  JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown;

describe(findJsonProblem.name, () => {
  it('accepts ordinary bodies, scalars and astral characters', () => {
    expect(
      findJsonProblem({
        title: 'Release crew 👩‍💻 𠀀',
        memberIds: ['7d9f3c1e-2b4a-4c6d-8e0f-1a2b3c4d5e6f'],
        nested: { list: [1, true, null, { ok: 'yes' }] },
      }),
    ).toBeNull();
    expect(findJsonProblem('plain')).toBeNull();
    expect(findJsonProblem(42)).toBeNull();
  });

  it(`accepts exactly ${MAX_JSON_DEPTH} levels and refuses one more`, () => {
    expect(findJsonProblem(nestedObjects(MAX_JSON_DEPTH))).toBeNull();
    expect(findJsonProblem(nestedArrays(MAX_JSON_DEPTH))).toBeNull();
    expect(findJsonProblem(nestedObjects(MAX_JSON_DEPTH + 1))).toEqual({
      reason: 'too_deep',
      maxDepth: MAX_JSON_DEPTH,
    });
    expect(findJsonProblem(nestedArrays(MAX_JSON_DEPTH + 1))?.reason).toBe('too_deep');
  });

  it('walks 40,000 levels without overflowing the stack', () => {
    expect(findJsonProblem(nestedArrays(40_000))?.reason).toBe('too_deep');
    expect(findJsonProblem({ text: nestedObjects(40_000) })?.reason).toBe('too_deep');
  });

  it('names the field holding a NUL character', () => {
    expect(findJsonProblem({ title: 'nul\u0000title' })).toEqual({
      reason: 'nul_character',
      path: 'title',
    });
    expect(findJsonProblem({ memberIds: ['a', 'b\u0000'] })).toEqual({
      reason: 'nul_character',
      path: 'memberIds.1',
    });
  });

  it.each([
    ['a lone high surrogate', 'lone \ud800 surrogate'],
    ['a lone low surrogate', '\udc00'],
    ['a reversed pair', '\ude00\ud83d'],
  ])('names the field holding %s', (_name, text) => {
    expect(findJsonProblem({ message: { text } })).toEqual({
      reason: 'ill_formed_unicode',
      path: 'message.text',
    });
  });

  it('refuses a bad key by naming the object that holds it', () => {
    expect(findJsonProblem({ outer: { 'k\u0000': 1 } })).toEqual({
      reason: 'nul_character',
      path: 'outer',
    });
  });
});

describe(jsonProblemError.name, () => {
  it('answers 400 request.invalid with the reason and the field', () => {
    const error = jsonProblemError({ reason: 'nul_character', path: 'text' });

    expect([error.httpStatus, error.code]).toEqual([400, 'request.invalid']);
    expect(error.details).toEqual({
      reason: 'nul_character',
      fields: { text: ['must not contain the NUL character (U+0000)'] },
    });
  });

  it('answers a too-deep body with the limit', () => {
    const error = jsonProblemError({ reason: 'too_deep', maxDepth: 32 });

    expect([error.httpStatus, error.code]).toEqual([400, 'request.invalid']);
    expect(error.details).toEqual({ reason: 'too_deep', maxDepth: 32 });
  });
});
