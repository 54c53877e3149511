import { MigrationInterface, QueryRunner } from 'typeorm';

/** Discussions: what a discussion's conversation in messaging does not hold itself. */
export class Discussions1764979200000 implements MigrationInterface {
  name = 'Discussions1764979200000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE discussions (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        topic text NOT NULL,
        creator_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        idempotency_key text,
        CONSTRAINT discussions_topic_length CHECK (char_length(topic) BETWEEN 1 AND 200)
      )`);
    // CreateDiscussion retries: the creator's key finds the first discussion. Rows without a
    // key (NULL) never conflict.
    await runner.query(
      'CREATE UNIQUE INDEX discussions_creator_idempotency_key ON discussions (creator_id, idempotency_key)',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE discussions');
  }
}
