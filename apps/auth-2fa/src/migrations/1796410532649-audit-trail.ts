import { MigrationInterface, QueryRunner } from 'typeorm';

/** The audit trail: one row per AuditRecorded event from any service. */
export class AuditTrail1796410532649 implements MigrationInterface {
  name = 'AuditTrail1796410532649';

  async up(runner: QueryRunner): Promise<void> {
    // event_id is the publisher's event id: a redelivered or republished event stores nothing.
    await runner.query(`
      CREATE TABLE audit_entries (
        event_id text PRIMARY KEY,
        org_id uuid NOT NULL,
        actor_id text NOT NULL,
        subject_user_id uuid,
        action text NOT NULL,
        details jsonb NOT NULL DEFAULT '{}',
        client_ip inet,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        source_subject text NOT NULL
      )`);
    // The administrator's read: one organisation, newest first, optionally a time range.
    await runner.query(
      `CREATE INDEX audit_entries_org_time ON audit_entries (org_id, occurred_at DESC, event_id DESC)`,
    );
    // "My audit" and the administrator's per-user filter read two ranges, merged:
    // lines about the user, and lines the user did.
    await runner.query(
      `CREATE INDEX audit_entries_subject_time ON audit_entries
         (subject_user_id, occurred_at DESC, event_id DESC) WHERE subject_user_id IS NOT NULL`,
    );
    await runner.query(
      `CREATE INDEX audit_entries_actor_time ON audit_entries (actor_id, occurred_at DESC, event_id DESC)`,
    );
    // Retention deletes the oldest lines of every organisation.
    await runner.query(`CREATE INDEX audit_entries_occurred ON audit_entries (occurred_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE audit_entries');
  }
}
