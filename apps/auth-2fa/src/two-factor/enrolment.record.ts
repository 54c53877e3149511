import { EntityManager } from 'typeorm';

/** A row of two_factor_enrolments: one per user, pending until the first code, then enabled. */
export interface EnrolmentRecord {
  userId: string;
  orgId: string;
  enrolmentId: string;
  status: 'pending' | 'enabled';
  secretKeyId: string;
  secretSealed: Buffer;
  periodSeconds: number;
  bindingExpiresAt: Date;
  bindingUsedAt: Date | null;
  boundSessionId: string | null;
  boundDeviceName: string | null;
  boundAt: Date | null;
  lastUsedStep: number | null;
  enrolledAt: Date | null;
}

/** The user's enrolment, or undefined; `lock` holds the row until the transaction ends. */
export async function findEnrolment(
  manager: EntityManager,
  userId: string,
  options: { lock?: boolean } = {},
): Promise<EnrolmentRecord | undefined> {
  const rows: Record<string, unknown>[] = await manager.query(
    `SELECT * FROM two_factor_enrolments WHERE user_id = $1${options.lock ? ' FOR UPDATE' : ''}`,
    [userId],
  );

  return rows.length > 0 ? toEnrolment(rows[0]) : undefined;
}

export function toEnrolment(row: Record<string, unknown>): EnrolmentRecord {
  return {
    userId: row.user_id as string,
    orgId: row.org_id as string,
    enrolmentId: row.enrolment_id as string,
    status: row.status as EnrolmentRecord['status'],
    secretKeyId: row.secret_key_id as string,
    secretSealed: row.secret_sealed as Buffer,
    periodSeconds: row.period_seconds as number,
    bindingExpiresAt: row.binding_expires_at as Date,
    bindingUsedAt: (row.binding_used_at as Date | null) ?? null,
    boundSessionId: (row.bound_session_id as string | null) ?? null,
    boundDeviceName: (row.bound_device_name as string | null) ?? null,
    boundAt: (row.bound_at as Date | null) ?? null,
    // bigint arrives as a string from pg.
    lastUsedStep: row.last_used_step === null ? null : Number(row.last_used_step),
    enrolledAt: (row.enrolled_at as Date | null) ?? null,
  };
}
