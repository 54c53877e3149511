import { Test } from '@nestjs/testing';
import Redis from 'ioredis';

import { freePort, testServers } from '@confer/testing';

import { REDIS, RedisModule } from './redis.module';

async function start(url: string) {
  const moduleRef = await Test.createTestingModule({
    imports: [RedisModule.forRoot(url, 'confer-redis-it')],
  }).compile();
  await moduleRef.init();

  return { moduleRef, redis: moduleRef.get<Redis>(REDIS) };
}

/** Resolves once the client has closed for good (never, if nothing closes it). */
function ended(redis: Redis): Promise<void> {
  return new Promise((resolve) =>
    redis.status === 'end' ? resolve() : redis.once('end', resolve),
  );
}

describe(RedisModule.name, () => {
  it('connects on first use, under its connection name, and closes at shutdown', async () => {
    const { moduleRef, redis } = await start(testServers().redisUrl);
    expect(redis.status).toBe('wait');

    expect(await redis.ping()).toBe('PONG');
    expect(await redis.client('GETNAME')).toBe('confer-redis-it');
    await moduleRef.close();

    await ended(redis);
  });

  it('starts while Redis is away; a command then fails instead of waiting, and shutdown completes', async () => {
    const { moduleRef, redis } = await start(`redis://127.0.0.1:${await freePort()}`);

    await expect(redis.ping()).rejects.toThrow();
    // Shutdown is not held up by the connection that never came.
    await expect(moduleRef.close()).resolves.toBeUndefined();
  });
});
