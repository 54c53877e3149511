import {
  CURRENT_PARAMETERS,
  hashPassword,
  isAcceptablePassword,
  verifyPassword,
} from './password-hasher';

// Cheap parameters keep the suite fast; the production ones are checked once below.
const FAST = { cost: 2 ** 10, blockSize: 8, parallelism: 1 };

describe(hashPassword.name, () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse', FAST);

    await expect(verifyPassword('correct horse', stored)).resolves.toBe(true);
    await expect(verifyPassword('correct horsE', stored)).resolves.toBe(false);
  });

  it('salts each hash, so one password hashes differently twice', async () => {
    const first = await hashPassword('same password', FAST);
    const second = await hashPassword('same password', FAST);

    expect(first.salt.equals(second.salt)).toBe(false);
    expect(first.hash.equals(second.hash)).toBe(false);
  });

  it('stores the parameters it used and verifies with them', async () => {
    const stored = await hashPassword('parameters', { ...FAST, cost: 2 ** 11 });

    expect(stored.cost).toBe(2 ** 11);
    await expect(verifyPassword('parameters', stored)).resolves.toBe(true);
  });

  it('treats composed and decomposed forms of a password alike', async () => {
    const stored = await hashPassword('caf\u00e9-password', FAST);

    await expect(verifyPassword('cafe\u0301-password', stored)).resolves.toBe(true);
  });

  it('works with the production parameters', async () => {
    const stored = await hashPassword('production cost', CURRENT_PARAMETERS);

    expect(stored.hash).toHaveLength(64);
    await expect(verifyPassword('production cost', stored)).resolves.toBe(true);
  });
});

describe(isAcceptablePassword.name, () => {
  it.each([
    ['seven77', false],
    ['eight888', true],
    ['x'.repeat(256), true],
    ['x'.repeat(257), false],
    ['密码密码密码密码', true],
  ])('%j → %s', (password, acceptable) => {
    expect(isAcceptablePassword(password)).toBe(acceptable);
  });
});
