import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The department tree, people's profile fields and memberships, the precomputed
 * people-search keys, and the directory-sync runs.
 */
export class DepartmentsAndSync1765152000000 implements MigrationInterface {
  name = 'DepartmentsAndSync1765152000000';

  async up(runner: QueryRunner): Promise<void> {
    // Fuzzy people search (similarity of search keys). Needs a role that may create
    // extensions; on a managed server, create it once by hand before migrating.
    await runner.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await runner.query(`
      CREATE TABLE departments (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES organisations (id),
        parent_id uuid REFERENCES departments (id) ON DELETE CASCADE,
        name text NOT NULL,
        source_id text NOT NULL,
        source_dn text NOT NULL,
        path uuid[] NOT NULL,
        depth integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT departments_depth_matches_path CHECK (depth = cardinality(path) - 1)
      )`);
    // Sync matches LDAP entries to rows by entryUUID, which survives renames and moves.
    await runner.query(
      'CREATE UNIQUE INDEX departments_org_source_key ON departments (org_id, source_id)',
    );
    // One level of the tree: an organisation's roots (parent_id IS NULL) or a
    // department's children, by name.
    await runner.query(
      'CREATE INDEX departments_org_parent_name_idx ON departments (org_id, parent_id, name, id)',
    );
    // A whole subtree (path @> ARRAY[id]): member counts that include sub-departments.
    await runner.query('CREATE INDEX departments_path_idx ON departments USING gin (path)');

    await runner.query(`
      ALTER TABLE users
        ADD COLUMN surname text,
        ADD COLUMN given_name text,
        ADD COLUMN desk_phone text,
        ADD COLUMN mobile text,
        ADD COLUMN title text,
        ADD COLUMN employee_number text,
        ADD COLUMN secondary_emails text[] NOT NULL DEFAULT '{}',
        ADD COLUMN source_id text,
        ADD COLUMN source_dn text`);
    // Sync matches people to rows by entryUUID; people added by hand have none.
    await runner.query(
      'CREATE UNIQUE INDEX users_org_source_key ON users (org_id, source_id) WHERE source_id IS NOT NULL',
    );

    await runner.query(`
      CREATE TABLE user_departments (
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        department_id uuid NOT NULL REFERENCES departments (id) ON DELETE CASCADE,
        title text,
        PRIMARY KEY (user_id, department_id)
      )`);
    // A department's members, cursor-paged by user id; and member counts per department.
    await runner.query(
      'CREATE INDEX user_departments_department_idx ON user_departments (department_id, user_id)',
    );

    // One row per way of finding a person: the name, its pinyin, its initials, each address.
    // A row per key (not an array) so that a prefix of any key is one btree range scan.
    await runner.query(`
      CREATE TABLE user_search_keys (
        org_id uuid NOT NULL,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        kind text NOT NULL,
        key text COLLATE "C" NOT NULL,
        PRIMARY KEY (user_id, kind, key),
        CONSTRAINT user_search_keys_kind_known
          CHECK (kind IN ('name', 'pinyin', 'initials', 'email'))
      )`);
    // Exact and prefix matches (key = q, key LIKE 'q%'): the "C" collation lets LIKE
    // use the btree as a range scan.
    await runner.query(
      'CREATE INDEX user_search_keys_org_key_idx ON user_search_keys (org_id, key)',
    );
    // Fuzzy matches (key % q, similarity) for queries of three characters or more.
    await runner.query(
      'CREATE INDEX user_search_keys_key_trgm_idx ON user_search_keys USING gin (key gin_trgm_ops)',
    );

    await runner.query(`
      CREATE TABLE sync_runs (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES organisations (id),
        full_run boolean NOT NULL,
        status text NOT NULL DEFAULT 'running',
        started_at timestamptz NOT NULL DEFAULT now(),
        heartbeat_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        processed integer NOT NULL DEFAULT 0,
        total integer NOT NULL DEFAULT 0,
        report jsonb NOT NULL DEFAULT '{}',
        high_water_mark text,
        error_code text,
        error_message text,
        CONSTRAINT sync_runs_status_known CHECK (status IN ('running', 'succeeded', 'failed'))
      )`);
    // At most one running sync per organisation: a second start fails on this index.
    await runner.query(
      "CREATE UNIQUE INDEX sync_runs_one_running_key ON sync_runs (org_id) WHERE status = 'running'",
    );
    // The last successful run's high-water mark, which an incremental run starts from.
    await runner.query(
      'CREATE INDEX sync_runs_org_started_idx ON sync_runs (org_id, started_at DESC)',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE sync_runs');
    await runner.query('DROP TABLE user_search_keys');
    await runner.query('DROP TABLE user_departments');
    await runner.query(`
      ALTER TABLE users
        DROP COLUMN surname,
        DROP COLUMN given_name,
        DROP COLUMN desk_phone,
        DROP COLUMN mobile,
        DROP COLUMN title,
        DROP COLUMN employee_number,
        DROP COLUMN secondary_emails,
        DROP COLUMN source_id,
        DROP COLUMN source_dn`);
    await runner.query('DROP TABLE departments');
  }
}
