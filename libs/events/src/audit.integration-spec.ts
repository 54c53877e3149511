import { DataSource } from 'typeorm';

import { openDataSource } from '@confer/database';
import { dropDatabase, testServers, uniqueDatabaseName } from '@confer/testing';

import { recordAudit } from './audit';
import { createOutboxTables } from './outbox';

const servers = testServers();
const subjects = { subject: (event: string) => `it.contacts.${event}` };
const entry = {
  orgId: '3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b',
  actorId: 'system',
  action: 'settings.changed',
  details: { keys: ['twoFactorRequired'], adminPassword: 'never-stored' },
};

describe('recordAudit against PostgreSQL', () => {
  const database = uniqueDatabaseName('audit_helper');
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await openDataSource(
      {
        url: servers.postgresUrl,
        database,
        poolSize: 2,
        migrateOnStart: false,
        entities: [],
        migrations: [],
      },
      false,
    );
    const runner = dataSource.createQueryRunner();
    await createOutboxTables(runner);
    await runner.release();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabase(servers.postgresUrl, database);
  });

  it('writes the line with the change, and nothing when the change rolls back', async () => {
    await expect(
      dataSource.transaction(async (manager) => {
        await recordAudit(manager, subjects, entry);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await dataSource.query('SELECT * FROM outbox')).toEqual([]);

    const id = await dataSource.transaction((manager) => recordAudit(manager, subjects, entry));

    const rows: { id: string; subject: string; payload: Record<string, string> }[] =
      await dataSource.query('SELECT id, subject, payload FROM outbox');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id, subject: 'it.contacts.audit.recorded' });
    expect(rows[0].payload).toMatchObject({
      eventId: id,
      orgId: entry.orgId,
      actorId: 'system',
      action: 'settings.changed',
      detailsJson: '{"keys":["twoFactorRequired"]}',
    });
    expect(JSON.stringify(rows[0].payload)).not.toContain('never-stored');
  });
});
