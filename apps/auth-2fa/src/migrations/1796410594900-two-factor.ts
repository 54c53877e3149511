import { MigrationInterface, QueryRunner } from 'typeorm';

/** The second factor: each user's TOTP enrolment and bound app, push approvals, trusted devices. */
export class TwoFactor1796410594900 implements MigrationInterface {
  name = 'TwoFactor1796410594900';

  async up(runner: QueryRunner): Promise<void> {
    // One row per user: pending from the QR code until the first code confirms it, then enabled.
    await runner.query(`
      CREATE TABLE two_factor_enrolments (
        user_id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        enrolment_id uuid NOT NULL,
        status text NOT NULL,
        secret_key_id text NOT NULL,
        secret_sealed bytea NOT NULL,
        period_seconds integer NOT NULL,
        binding_token_hash bytea NOT NULL,
        binding_expires_at timestamptz NOT NULL,
        binding_used_at timestamptz,
        bound_session_id uuid,
        bound_device_name text,
        bound_at timestamptz,
        last_used_step bigint,
        enrolled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT two_factor_enrolments_status_known CHECK (status IN ('pending', 'enabled'))
      )`);
    // The mobile app presents only the binding token: its SHA-256 finds the enrolment.
    await runner.query(
      `CREATE UNIQUE INDEX two_factor_enrolments_binding ON two_factor_enrolments (binding_token_hash)`,
    );
    // Rows still under an old key, for re-encryption after a key rotation.
    await runner.query(
      `CREATE INDEX two_factor_enrolments_key ON two_factor_enrolments (secret_key_id)`,
    );
    await runner.query(`
      CREATE TABLE two_factor_approvals (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        org_id uuid NOT NULL,
        purpose text NOT NULL,
        requesting_session_id uuid NOT NULL,
        device_name text NOT NULL,
        client_ip text NOT NULL,
        status text NOT NULL,
        requested_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        answered_at timestamptz,
        used_at timestamptz,
        CONSTRAINT two_factor_approvals_purpose_known CHECK (purpose IN ('sign_in', 'disable')),
        CONSTRAINT two_factor_approvals_status_known
          CHECK (status IN ('pending', 'approved', 'denied', 'used'))
      )`);
    // A user's approvals, newest first (pruning and support look-ups).
    await runner.query(
      `CREATE INDEX two_factor_approvals_user ON two_factor_approvals (user_id, requested_at DESC)`,
    );
    await runner.query(`
      CREATE TABLE trusted_devices (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        org_id uuid NOT NULL,
        name text NOT NULL,
        token_hash bytea NOT NULL,
        first_used_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz NOT NULL DEFAULT now(),
        last_ip text NOT NULL,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz
      )`);
    // Login presents the device credential: its SHA-256 finds the device.
    await runner.query(`CREATE UNIQUE INDEX trusted_devices_token ON trusted_devices (token_hash)`);
    // The device list of a user, and revoking them all.
    await runner.query(
      `CREATE INDEX trusted_devices_user_live ON trusted_devices (user_id) WHERE revoked_at IS NULL`,
    );
    // A session may also owe enrolment first (the organisation requires a second factor).
    await runner.query(
      `ALTER TABLE sessions DROP CONSTRAINT sessions_second_factor_known,
         ADD CONSTRAINT sessions_second_factor_known
         CHECK (second_factor IN ('not_required', 'pending', 'enrolment_required', 'passed'))`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE sessions DROP CONSTRAINT sessions_second_factor_known,
         ADD CONSTRAINT sessions_second_factor_known
         CHECK (second_factor IN ('not_required', 'pending', 'passed'))`,
    );
    await runner.query('DROP TABLE trusted_devices');
    await runner.query('DROP TABLE two_factor_approvals');
    await runner.query('DROP TABLE two_factor_enrolments');
  }
}
