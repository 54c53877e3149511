import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Messaging's copy of everyone's blacklist, filled from contacts' block.changed
 * events. An unblocked pair keeps its row (blocked = false) so that its version
 * still orders later events.
 */
export class UserBlocks1796410444966 implements MigrationInterface {
  name = 'UserBlocks1796410444966';

  async up(runner: QueryRunner): Promise<void> {
    // Primary key: "has the recipient blocked this sender?" on every private send.
    await runner.query(`
      CREATE TABLE user_blocks (
        blocker_id uuid NOT NULL,
        blocked_id uuid NOT NULL,
        blocked boolean NOT NULL,
        version bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (blocker_id, blocked_id)
      )`);
    // "Who has blocked this person?" when they create a group or add members.
    await runner.query(
      'CREATE INDEX user_blocks_blocked_idx ON user_blocks (blocked_id, blocker_id) WHERE blocked',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE user_blocks');
  }
}
