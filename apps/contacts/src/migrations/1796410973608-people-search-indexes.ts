import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * People search reads bounded ranges of one index: exact keys, the first keys
 * of a prefix range, and one short range per typo variant. Carrying kind and
 * user_id in that index makes each range an index-only scan. The trigram index
 * is dropped: fuzzy matching no longer scans trigrams (their candidates grew
 * with the directory: tens of thousands of rows for a common surname at a
 * million people), and every sync paid for keeping it.
 */
export class PeopleSearchIndexes1796410973608 implements MigrationInterface {
  name = 'PeopleSearchIndexes1796410973608';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      'CREATE INDEX user_search_keys_org_key_cover_idx ON user_search_keys (org_id, key) INCLUDE (kind, user_id)',
    );
    await runner.query('DROP INDEX user_search_keys_org_key_idx');
    await runner.query('DROP INDEX user_search_keys_key_trgm_idx');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      'CREATE INDEX user_search_keys_key_trgm_idx ON user_search_keys USING gin (key gin_trgm_ops)',
    );
    await runner.query(
      'CREATE INDEX user_search_keys_org_key_idx ON user_search_keys (org_id, key)',
    );
    await runner.query('DROP INDEX user_search_keys_org_key_cover_idx');
  }
}
