/** Why one directory entry was not applied. */
export type SyncFailureReason =
  | 'missing_mail'
  | 'duplicate_mail'
  | 'mail_outside_domain'
  | 'bad_value'
  | 'cycle'
  | 'unknown_department';

export interface SyncFailure {
  sourceId: string;
  dn: string;
  reason: SyncFailureReason;
  detail: string;
}

/** What a run did, stored with the run as JSON. */
export interface SyncReport {
  created: number;
  updated: number;
  moved: number;
  disabled: number;
  departmentsCreated: number;
  departmentsUpdated: number;
  departmentsRemoved: number;
  failures: SyncFailure[];
  /**
   * Milliseconds per phase of a successful run (read, departments, loadPeople,
   * people, memberships, searchKeys, events, commit), added once it committed.
   */
  phasesMs?: Record<string, number>;
}

/** Failures kept per run: enough to fix a directory, bounded so a broken one cannot bloat a row. */
export const MAX_REPORTED_FAILURES = 1_000;

export function emptyReport(): SyncReport {
  return {
    created: 0,
    updated: 0,
    moved: 0,
    disabled: 0,
    departmentsCreated: 0,
    departmentsUpdated: 0,
    departmentsRemoved: 0,
    failures: [],
  };
}
