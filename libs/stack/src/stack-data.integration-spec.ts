import Redis from 'ioredis';

import { testServers, uniqueToken } from '@confer/testing';

import { removeRedisKeys, removeStackData } from './stack-data';

const servers = testServers();

describe(removeStackData.name, () => {
  const prefix = uniqueToken('rmdata');
  // Prefixes that share the first characters, and glob characters: none of them is the prefix's.
  const neighbours = [`${prefix}2`, `${prefix}x`, `${prefix.slice(0, -1)}*`];
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(servers.redisUrl);
  });

  afterAll(async () => {
    for (const neighbour of [prefix, ...neighbours]) {
      await removeRedisKeys(servers.redisUrl, neighbour);
    }
    redis.disconnect();
  });

  /** Keys the way BullMQ and the apps write them, more than one SCAN step holds. */
  async function writeKeys(of: string, count: number): Promise<void> {
    const pipeline = redis.pipeline();
    for (let i = 0; i < count; i += 1) {
      pipeline.set(`${of}:bull:directory-sync:${i}`, 'job');
    }
    pipeline.hset(`${of}:bull:directory-sync:meta`, 'opts.maxLenEvents', '10000');
    pipeline.xadd(`${of}:bull:directory-sync:events`, '*', 'event', 'added');
    await pipeline.exec();
  }

  async function keysOf(of: string): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${of}:*`, 'COUNT', 1000);
      keys.push(...found.filter((key) => key.startsWith(`${of}:`)));
      cursor = next;
    } while (cursor !== '0');

    return keys;
  }

  it("removes every Redis key of the prefix and no other prefix's", async () => {
    await writeKeys(prefix, 1_200);
    for (const neighbour of neighbours) {
      await writeKeys(neighbour, 3);
    }
    expect(await keysOf(prefix)).toHaveLength(1_202);

    await removeStackData(servers, prefix);

    expect(await keysOf(prefix)).toEqual([]);
    for (const neighbour of neighbours) {
      expect(await keysOf(neighbour)).toHaveLength(5);
    }
  });

  it('finds nothing to remove the second time', async () => {
    expect(await removeRedisKeys(servers.redisUrl, prefix)).toBe(0);
  });
});
