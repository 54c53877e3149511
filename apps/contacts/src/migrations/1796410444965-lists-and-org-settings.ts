import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Organisation settings, and each person's own lists: personal contacts,
 * followed people and the blacklist.
 */
export class ListsAndOrgSettings1796410444965 implements MigrationInterface {
  name = 'ListsAndOrgSettings1796410444965';

  async up(runner: QueryRunner): Promise<void> {
    // One row per organisation, written on its first change; no row means the defaults.
    await runner.query(`
      CREATE TABLE org_settings (
        org_id uuid PRIMARY KEY REFERENCES organisations (id),
        two_factor_required boolean NOT NULL DEFAULT false,
        group_creation_policy text NOT NULL DEFAULT 'everyone',
        group_creation_department_ids uuid[] NOT NULL DEFAULT '{}',
        updated_at timestamptz,
        updated_by uuid,
        CONSTRAINT org_settings_group_policy_known
          CHECK (group_creation_policy IN ('everyone', 'administrators', 'departments'))
      )`);

    // Addresses a person keeps with a note. Linked to a directory person at read time by
    // address, so an outside address that later joins the directory becomes that person.
    await runner.query(`
      CREATE TABLE personal_contacts (
        id uuid PRIMARY KEY,
        owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        org_id uuid NOT NULL,
        email text NOT NULL,
        display_name text,
        note text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // One entry per address per owner; the owner's list by address, cursor-paged.
    await runner.query(
      'CREATE UNIQUE INDEX personal_contacts_owner_email_key ON personal_contacts (owner_id, email)',
    );
    // Linking an entry to a person by an alias (secondary_emails && addresses).
    await runner.query(
      'CREATE INDEX users_secondary_emails_idx ON users USING gin (secondary_emails)',
    );

    await runner.query(`
      CREATE TABLE follows (
        follower_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        followee_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (follower_id, followee_id),
        CONSTRAINT follows_not_self CHECK (follower_id <> followee_id)
      )`);
    // "People I follow", newest first, cursor-paged.
    await runner.query(
      'CREATE INDEX follows_follower_created_idx ON follows (follower_id, created_at DESC, followee_id DESC)',
    );

    await runner.query(`
      CREATE TABLE blocks (
        blocker_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        blocked_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (blocker_id, blocked_id),
        CONSTRAINT blocks_not_self CHECK (blocker_id <> blocked_id)
      )`);
    // "People I blocked", newest first, cursor-paged.
    await runner.query(
      'CREATE INDEX blocks_blocker_created_idx ON blocks (blocker_id, created_at DESC, blocked_id DESC)',
    );
    // Orders block.changed events: a consumer keeps a pair's state only from a newer version,
    // so a redelivered old event never undoes a later block or unblock.
    await runner.query('CREATE SEQUENCE block_change_version');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP SEQUENCE block_change_version');
    await runner.query('DROP TABLE blocks');
    await runner.query('DROP TABLE follows');
    await runner.query('DROP INDEX users_secondary_emails_idx');
    await runner.query('DROP TABLE personal_contacts');
    await runner.query('DROP TABLE org_settings');
  }
}
