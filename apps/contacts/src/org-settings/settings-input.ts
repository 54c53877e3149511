import { isUuid } from '../persistence/postgres-errors';
import { OrgSettingsError } from './org-settings.errors';

export const GROUP_CREATION_POLICIES = ['everyone', 'administrators', 'departments'] as const;

export type GroupCreationPolicy = (typeof GROUP_CREATION_POLICIES)[number];

/** Enough for a policy naming every top-level division of a large organisation. */
export const MAX_POLICY_DEPARTMENTS = 200;

export interface GroupCreationSettings {
  policy: GroupCreationPolicy;
  /** Read only for the `departments` policy; empty otherwise. */
  departmentIds: string[];
}

export interface OrgSettingsValues {
  groupCreation: GroupCreationSettings;
  twoFactorRequired: boolean;
}

/** What an organisation has before an administrator changes anything. */
export const DEFAULT_ORG_SETTINGS: OrgSettingsValues = {
  groupCreation: { policy: 'everyone', departmentIds: [] },
  twoFactorRequired: false,
};

/** A change: only the present keys are touched. */
export interface OrgSettingsPatch {
  groupCreation?: { policy: string; departmentIds?: string[] };
  twoFactorRequired?: boolean;
}

/** A setting as the audit trail names it: the OrgSettings field, the same in every service. */
export type SettingKey = 'groupCreationPolicy' | 'groupCreationDepartmentIds' | 'twoFactorRequired';

export interface SettingsChange {
  key: SettingKey;
  from: unknown;
  to: unknown;
}

/**
 * Applies a patch to the current settings, or throws the first problem found.
 * A `departments` policy needs at least one department (an empty list would
 * lock everyone but administrators out without saying so).
 */
export function applySettingsPatch(
  current: OrgSettingsValues,
  patch: OrgSettingsPatch,
): OrgSettingsValues {
  const next: OrgSettingsValues = {
    groupCreation: { ...current.groupCreation },
    twoFactorRequired: current.twoFactorRequired,
  };
  if (patch.twoFactorRequired !== undefined) {
    if (typeof patch.twoFactorRequired !== 'boolean') {
      throw OrgSettingsError.invalid(
        'twoFactorRequired',
        'twoFactorRequired must be true or false.',
      );
    }
    next.twoFactorRequired = patch.twoFactorRequired;
  }
  if (patch.groupCreation !== undefined) {
    next.groupCreation = normaliseGroupCreation(patch.groupCreation);
  }

  return next;
}

function normaliseGroupCreation(input: {
  policy: string;
  departmentIds?: string[];
}): GroupCreationSettings {
  const policy = GROUP_CREATION_POLICIES.find((known) => known === input.policy);
  if (!policy) {
    throw OrgSettingsError.invalid(
      'groupCreation.policy',
      `groupCreation.policy must be one of ${GROUP_CREATION_POLICIES.join(', ')}.`,
    );
  }
  const ids = input.departmentIds ?? [];
  if (policy !== 'departments') {
    if (ids.length > 0) {
      throw OrgSettingsError.invalid(
        'groupCreation.departmentIds',
        'groupCreation.departmentIds is only read with the departments policy.',
      );
    }

    return { policy, departmentIds: [] };
  }
  if (ids.length === 0 || ids.length > MAX_POLICY_DEPARTMENTS) {
    throw OrgSettingsError.invalid(
      'groupCreation.departmentIds',
      `The departments policy needs 1 to ${MAX_POLICY_DEPARTMENTS} department ids.`,
    );
  }
  if (!ids.every((id) => typeof id === 'string' && isUuid(id))) {
    throw OrgSettingsError.invalid('groupCreation.departmentIds', 'Department ids are UUIDs.');
  }

  return { policy, departmentIds: [...new Set(ids.map((id) => id.toLowerCase()))].sort() };
}

/** The settings whose value differs, with old and new values, for the audit trail. */
export function settingsChanges(
  before: OrgSettingsValues,
  after: OrgSettingsValues,
): SettingsChange[] {
  const flat = (values: OrgSettingsValues): Record<SettingKey, unknown> => ({
    groupCreationPolicy: values.groupCreation.policy,
    groupCreationDepartmentIds: values.groupCreation.departmentIds,
    twoFactorRequired: values.twoFactorRequired,
  });
  const [from, to] = [flat(before), flat(after)];
  const keys = Object.keys(to) as SettingKey[];

  return keys
    .filter((key) => JSON.stringify(from[key]) !== JSON.stringify(to[key]))
    .map((key) => ({ key, from: from[key], to: to[key] }));
}
