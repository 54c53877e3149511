import { MigrationInterface, QueryRunner } from 'typeorm';

/** Organisations and their users: the directory's first slice. */
export class Directory1764979200000 implements MigrationInterface {
  name = 'Directory1764979200000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE organisations (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        domain text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT organisations_domain_folded CHECK (domain = lower(domain))
      )`);
    // Finding the organisation a mail domain belongs to; one organisation per domain.
    await runner.query('CREATE UNIQUE INDEX organisations_domain_key ON organisations (domain)');
    await runner.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES organisations (id),
        email text NOT NULL,
        display_name text NOT NULL,
        status text NOT NULL DEFAULT 'active',
        roles text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_status_known CHECK (status IN ('active', 'disabled'))
      )`);
    // FindUserByEmail at login; also makes an address belong to one user only. Addresses are
    // stored case-folded by the service (a local part may be non-ASCII, so no lower() check).
    await runner.query('CREATE UNIQUE INDEX users_email_key ON users (email)');
    // ListUsers: one organisation's people by display name regardless of case, then id,
    // cursor-paged (lower() keeps the order independent of the database's collation).
    await runner.query(
      'CREATE INDEX users_org_display_name_idx ON users (org_id, lower(display_name), id)',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE users');
    await runner.query('DROP TABLE organisations');
  }
}
