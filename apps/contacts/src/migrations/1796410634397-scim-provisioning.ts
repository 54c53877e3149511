import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SCIM 2.0 provisioning: the organisations' bearer tokens (hashes only), and
 * what a SCIM client sets on a person beyond the directory's own fields.
 */
export class ScimProvisioning1796410634397 implements MigrationInterface {
  name = 'ScimProvisioning1796410634397';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE scim_tokens (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES organisations (id),
        name text NOT NULL,
        token_hash text NOT NULL,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    // Every SCIM request finds its token by the SHA-256 of the presented secret.
    await runner.query('CREATE UNIQUE INDEX scim_tokens_hash_key ON scim_tokens (token_hash)');
    // The admin console's list of an organisation's tokens, newest first.
    await runner.query(
      'CREATE INDEX scim_tokens_org_created_idx ON scim_tokens (org_id, created_at DESC)',
    );

    await runner.query(`
      ALTER TABLE users
        ADD COLUMN user_name text,
        ADD COLUMN email_types jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN department_label text,
        ADD COLUMN scim_deleted_at timestamptz`);
    // SCIM userName is unique per organisation regardless of case (RFC 7643 section 4.1.1);
    // people without one are known by their address, which users_email_key keeps unique.
    await runner.query(
      'CREATE UNIQUE INDEX users_org_user_name_key ON users (org_id, lower(user_name)) WHERE user_name IS NOT NULL',
    );
    // SCIM lists: an organisation's people in creation order, paged by startIndex.
    await runner.query('CREATE INDEX users_org_created_idx ON users (org_id, created_at, id)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX users_org_created_idx');
    await runner.query('DROP INDEX users_org_user_name_key');
    await runner.query(`
      ALTER TABLE users
        DROP COLUMN user_name,
        DROP COLUMN email_types,
        DROP COLUMN department_label,
        DROP COLUMN scim_deleted_at`);
    await runner.query('DROP TABLE scim_tokens');
  }
}
