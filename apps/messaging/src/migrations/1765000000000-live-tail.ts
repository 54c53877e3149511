import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where the live tailer stopped: the last position it published. A new
 * leader resumes from here, so a failover never skips changes that devices
 * following live frames would otherwise miss.
 */
export class LiveTail1765000000000 implements MigrationInterface {
  name = 'LiveTail1765000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE live_tail (
        name text PRIMARY KEY,
        position bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE live_tail');
  }
}
