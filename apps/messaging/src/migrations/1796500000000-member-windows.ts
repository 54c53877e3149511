import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change-stream window of every membership, not only the current one.
 * A member who leaves and comes back has one row per stay; the members row
 * keeps only the latest. The live tailer and Sync deliver by these rows, so a
 * removal (and what came before it) still reaches a member who rejoined
 * before the tailer or a device's Sync got to it.
 */
export class MemberWindows1796500000000 implements MigrationInterface {
  name = 'MemberWindows1796500000000';

  async up(runner: QueryRunner): Promise<void> {
    // Primary key: the live tailer's recipients by conversation; closing a member's open window.
    await runner.query(`
      CREATE TABLE member_windows (
        conversation_id uuid NOT NULL REFERENCES conversations (id),
        user_id uuid NOT NULL,
        joined_pos bigint NOT NULL,
        left_pos bigint,
        PRIMARY KEY (conversation_id, user_id, joined_pos),
        CHECK (left_pos IS NULL OR left_pos > joined_pos)
      )`);
    // Sync: the windows of one user.
    await runner.query(
      'CREATE INDEX member_windows_by_user ON member_windows (user_id, conversation_id, joined_pos)',
    );
    // Earlier stays were not kept: each membership starts with its current window.
    await runner.query(`
      INSERT INTO member_windows (conversation_id, user_id, joined_pos, left_pos)
      SELECT conversation_id, user_id, joined_pos, left_pos FROM members`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE member_windows');
  }
}
