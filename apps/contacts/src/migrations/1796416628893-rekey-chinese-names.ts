import { MigrationInterface, QueryRunner } from 'typeorm';

import { rekeyChineseNames } from '../people-search/search-key-writer';

/**
 * A directory sync recomputes search keys only for people who changed, so the
 * keys of people already synced are re-derived here: everyone keyed whose name
 * has Chinese characters gets the keys of the Chinese part of a mixed-script
 * name ("David Wu 吴大卫": 吴大卫, wudawei, wdw) and the given name's own kinds
 * and initials (xm for 王小明). Everyone else's keys are unchanged.
 *
 * It computes keys with the searchKeys of the version that runs it: a version
 * that adds a key kind must keep this migration passing the constraint on a
 * database that has not yet run it.
 *
 * One transaction: searches read the old keys until it commits; a sync
 * changing the same people waits for it. Its cost is that of a full sync's key
 * phase for those people (about half of a 21 s full run at 100,000 people);
 * the migration itself was not timed at that size.
 */
export class RekeyChineseNames1796416628893 implements MigrationInterface {
  name = 'RekeyChineseNames1796416628893';

  async up(runner: QueryRunner): Promise<void> {
    // Under SHARE UPDATE EXCLUSIVE: reads and writes of the table go on meanwhile.
    await runner.query(
      'ALTER TABLE user_search_keys VALIDATE CONSTRAINT user_search_keys_kind_known',
    );
    await rekeyChineseNames(runner.manager);
  }

  async down(): Promise<void> {
    // The previous migration's down turns the given-name kinds back; the keys of
    // a mixed-script name's Chinese part are harmless to earlier versions.
  }
}
