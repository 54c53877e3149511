import { createServer, Server } from 'node:net';

import { testServers } from '@confer/testing';

import { checkServers, START_COMMANDS } from './check-servers';

/** A loopback port that refuses connections: bound, then closed. */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));

  return port;
}

describe(checkServers.name, () => {
  it('finds nothing missing when the local servers answer', async () => {
    expect(await checkServers(testServers())).toEqual([]);
  });

  it('says in one line per missing server which variable points to it and how to start it', async () => {
    const port = await closedPort();

    const lines = await checkServers({
      postgresUrl: `postgres://postgres:secret@127.0.0.1:${port}/postgres`,
      natsUrl: `nats://127.0.0.1:${port}`,
      redisUrl: `redis://127.0.0.1:${port}`,
    });

    expect(lines).toHaveLength(3);
    expect(lines.every((line) => !line.includes('\n'))).toBe(true);
    expect(lines[0]).toMatch(/^PostgreSQL does not answer at POSTGRES_URL=/);
    expect(lines[0]).not.toContain('secret');
    expect(lines[0]).toContain(START_COMMANDS.postgres);
    expect(lines[1]).toMatch(/^NATS with JetStream does not answer at NATS_URL=/);
    expect(lines[1]).toContain(START_COMMANDS.nats);
    expect(lines[2]).toMatch(/^Redis does not answer at REDIS_URL=/);
    expect(lines[2]).toContain(START_COMMANDS.redis);
  });
});
