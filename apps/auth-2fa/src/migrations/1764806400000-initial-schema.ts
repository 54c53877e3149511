import { MigrationInterface, QueryRunner } from 'typeorm';

import { createOutboxTables, dropOutboxTables } from '@confer/events';

export class InitialSchema1764806400000 implements MigrationInterface {
  name = 'InitialSchema1764806400000';

  async up(runner: QueryRunner): Promise<void> {
    await createOutboxTables(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropOutboxTables(runner);
  }
}
