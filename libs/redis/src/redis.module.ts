import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationShutdown,
} from '@nestjs/common';
import Redis from 'ioredis';

/** The app's one Redis connection (an ioredis client), as provided by RedisModule. */
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
 * One Redis connection for the whole app, provided as REDIS. Connected on first
 * use, so the app starts (and serves everything that does not need Redis)
 * while Redis is away; a command then fails after one retry instead of
 * queueing, and the caller decides what that means. Closed at shutdown.
 */
@Global()
@Module({})
export class RedisModule {
  /** `connectionName` is what CLIENT LIST shows for it, e.g. `confer-gateway`. */
  static forRoot(url: string, connectionName: string): DynamicModule {
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
              connectionName,
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
