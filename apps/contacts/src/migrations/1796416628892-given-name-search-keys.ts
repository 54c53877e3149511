import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Search keys of the given name alone get kinds of their own (given_name,
 * given_pinyin, given_initials), so that search can rank them below names
 * that start with the query. The constraint is replaced NOT VALID: no scan
 * under this statement's exclusive lock, which lasts only until this
 * migration commits; the next migration validates it under a lock that lets
 * searches and syncs go on.
 */
export class GivenNameSearchKeys1796416628892 implements MigrationInterface {
  name = 'GivenNameSearchKeys1796416628892';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE user_search_keys
        DROP CONSTRAINT user_search_keys_kind_known,
        ADD CONSTRAINT user_search_keys_kind_known CHECK (kind IN (
          'name', 'pinyin', 'initials', 'given_name', 'given_pinyin', 'given_initials', 'email'
        )) NOT VALID`);
  }

  async down(runner: QueryRunner): Promise<void> {
    // Earlier versions kept the given name and its pinyin as name and pinyin keys.
    await runner.query(`
      INSERT INTO user_search_keys (org_id, user_id, kind, key)
      SELECT org_id, user_id, CASE kind WHEN 'given_name' THEN 'name' ELSE 'pinyin' END, key
      FROM user_search_keys WHERE kind IN ('given_name', 'given_pinyin')
      ON CONFLICT DO NOTHING`);
    await runner.query(
      `DELETE FROM user_search_keys WHERE kind IN ('given_name', 'given_pinyin', 'given_initials')`,
    );
    await runner.query(`
      ALTER TABLE user_search_keys
        DROP CONSTRAINT user_search_keys_kind_known,
        ADD CONSTRAINT user_search_keys_kind_known
          CHECK (kind IN ('name', 'pinyin', 'initials', 'email'))`);
  }
}
