import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each organisation's directory server, stored by its administrators instead
 * of the environment; and who asked for each sync run.
 */
export class DirectoryServers1796410555013 implements MigrationInterface {
  name = 'DirectoryServers1796410555013';

  async up(runner: QueryRunner): Promise<void> {
    // One row per organisation (the primary key): read by every run and by the settings API.
    await runner.query(`
      CREATE TABLE directory_servers (
        org_id uuid PRIMARY KEY REFERENCES organisations (id),
        url text NOT NULL,
        bind_dn text NOT NULL,
        bind_password text NOT NULL,
        people_base_dn text NOT NULL,
        people_filter text NOT NULL,
        departments_base_dn text NOT NULL,
        departments_filter text NOT NULL,
        groups_base_dn text NOT NULL,
        groups_filter text NOT NULL,
        attribute_map jsonb NOT NULL DEFAULT '{}',
        disabled_values text[] NOT NULL,
        admin_group_dn text NOT NULL DEFAULT '',
        sync_interval_seconds integer NOT NULL DEFAULT 0,
        start_tls boolean NOT NULL DEFAULT false,
        tls_ca_certificate text NOT NULL DEFAULT '',
        tls_skip_verify boolean NOT NULL DEFAULT false,
        page_size integer NOT NULL,
        timeout_seconds integer NOT NULL,
        updated_by uuid,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT directory_servers_interval_known
          CHECK (sync_interval_seconds = 0 OR sync_interval_seconds >= 60)
      )`);
    // The recent runs of an organisation, newest first, are served by sync_runs_org_started_idx.
    await runner.query(`ALTER TABLE sync_runs ADD COLUMN requested_by uuid`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE sync_runs DROP COLUMN requested_by');
    await runner.query('DROP TABLE directory_servers');
  }
}
