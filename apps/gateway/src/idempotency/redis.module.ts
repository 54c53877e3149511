import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationShutdown,
  DynamicModule,
} from '@nestjs/common';
import Redis from 'ioredis';

export const REDIS = Symbol('REDIS');

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.redis.status === 'ready') {
      await this.redis.quit();
    } else {
      this.redis.disconnect();
    }
  }
}

/**
 * Redis for the little state a stateless gateway keeps: idempotency records.
 * Connected on first use, so the gateway starts (and serves everything that
 * does not need Redis) while Redis is away.
 */
@Global()
@Module({})
export class RedisModule {
  static forRoot(url: string): DynamicModule {
    const logger = new Logger('Redis');

    return {
      module: RedisModule,
      providers: [
        {
          provide: REDIS,
          useFactory: () => {
            const redis = new Redis(url, {
              lazyConnect: true,
              maxRetriesPerRequest: 1,
              connectionName: 'confer-gateway',
            });
            redis.on('error', (error: Error) => logger.warn({ err: error.message }, 'Redis error'));

            return redis;
          },
        },
        RedisCloser,
      ],
      exports: [REDIS],
    };
  }
}
