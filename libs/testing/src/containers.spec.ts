import { startServersInContainers } from './containers';

describe(startServersInContainers.name, () => {
  it('starts nothing when the servers are named by the environment', async () => {
    await expect(
      startServersInContainers({ POSTGRES_URL: 'postgres://postgres@db.internal:5432/postgres' }),
    ).resolves.toBeUndefined();
  });
});
