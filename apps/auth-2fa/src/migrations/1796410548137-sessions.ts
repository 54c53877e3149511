import { MigrationInterface, QueryRunner } from 'typeorm';

/** Login sessions and their rotating refresh tokens. */
export class Sessions1796410548137 implements MigrationInterface {
  name = 'Sessions1796410548137';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        org_id uuid NOT NULL,
        roles text[] NOT NULL DEFAULT '{}',
        device_name text NOT NULL DEFAULT '',
        client text NOT NULL DEFAULT '',
        ip text NOT NULL DEFAULT '',
        amr text[] NOT NULL DEFAULT '{}',
        second_factor text NOT NULL DEFAULT 'not_required',
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_reason text,
        CONSTRAINT sessions_second_factor_known
          CHECK (second_factor IN ('not_required', 'pending', 'passed'))
      )`);
    // A user's live sessions, newest first (the session list, sign out everywhere).
    await runner.query(
      `CREATE INDEX sessions_user_live ON sessions (user_id, created_at DESC) WHERE revoked_at IS NULL`,
    );
    // Recently ended sessions, for a gateway's revocation set at start.
    await runner.query(
      `CREATE INDEX sessions_revoked_at ON sessions (revoked_at) WHERE revoked_at IS NOT NULL`,
    );
    // Every refresh token a session was given (its family): only the SHA-256 of each.
    // A used token stays, so that presenting it again is recognised as reuse.
    await runner.query(`
      CREATE TABLE refresh_tokens (
        token_hash bytea PRIMARY KEY,
        session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        issued_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    // The unused token of a session, superseded when the second factor passes.
    await runner.query(
      `CREATE INDEX refresh_tokens_session_unused ON refresh_tokens (session_id) WHERE used_at IS NULL`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE refresh_tokens');
    await runner.query('DROP TABLE sessions');
  }
}
