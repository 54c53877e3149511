import { randomUUID } from 'node:crypto';

import { ConferError } from '@confer/errors';

import { applySettingsPatch, DEFAULT_ORG_SETTINGS, settingsChanges } from './settings-input';

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof ConferError ? `${error.code}:${String(error.details?.field)}` : 'other';
  }

  return undefined;
}

describe(applySettingsPatch.name, () => {
  it('changes only the keys present and sorts and folds department ids', () => {
    const upper = randomUUID().toUpperCase();
    const next = applySettingsPatch(DEFAULT_ORG_SETTINGS, {
      groupCreation: { policy: 'departments', departmentIds: [upper, upper] },
    });

    expect(next).toEqual({
      groupCreation: { policy: 'departments', departmentIds: [upper.toLowerCase()] },
      twoFactorRequired: false,
    });
    expect(applySettingsPatch(next, { twoFactorRequired: true }).groupCreation).toEqual(
      next.groupCreation,
    );
  });

  it('refuses unknown policies, department lists that do not fit the policy, and non-booleans', () => {
    const cases: [() => unknown, string][] = [
      [
        () => applySettingsPatch(DEFAULT_ORG_SETTINGS, { groupCreation: { policy: 'nobody' } }),
        'settings.invalid:groupCreation.policy',
      ],
      [
        () =>
          applySettingsPatch(DEFAULT_ORG_SETTINGS, { groupCreation: { policy: 'departments' } }),
        'settings.invalid:groupCreation.departmentIds',
      ],
      [
        () =>
          applySettingsPatch(DEFAULT_ORG_SETTINGS, {
            groupCreation: { policy: 'everyone', departmentIds: [randomUUID()] },
          }),
        'settings.invalid:groupCreation.departmentIds',
      ],
      [
        () =>
          applySettingsPatch(DEFAULT_ORG_SETTINGS, {
            groupCreation: { policy: 'departments', departmentIds: ['sales'] },
          }),
        'settings.invalid:groupCreation.departmentIds',
      ],
      [
        () =>
          applySettingsPatch(DEFAULT_ORG_SETTINGS, {
            twoFactorRequired: 'yes' as unknown as boolean,
          }),
        'settings.invalid:twoFactorRequired',
      ],
    ];

    expect(cases.map(([action]) => codeOf(action))).toEqual(cases.map(([, code]) => code));
  });
});

describe(settingsChanges.name, () => {
  it('names each changed setting with its old and new value, and nothing when equal', () => {
    const after = applySettingsPatch(DEFAULT_ORG_SETTINGS, {
      groupCreation: { policy: 'administrators' },
    });

    expect(settingsChanges(DEFAULT_ORG_SETTINGS, after)).toEqual([
      { key: 'groupCreationPolicy', from: 'everyone', to: 'administrators' },
    ]);
    expect(settingsChanges(after, after)).toEqual([]);
  });
});
