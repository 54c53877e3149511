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

/** The app's Redis connection, where attempt limits (logins, second-factor codes) are counted. */
export const AUTH_REDIS = Symbol('AUTH_REDIS');

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(AUTH_REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.redis.status === 'ready') {
      await this.redis.quit();
    } else {
      this.redis.disconnect();
    }
  }
}

/**
 * One Redis connection for every attempt limit of the app (see AttemptLimiter).
 * Connected on first use; while Redis is away, checks fail and the attempt is
 * refused as unavailable rather than let through unlimited.
 */
@Global()
@Module({})
export class RateLimitsModule {
  static forRoot(url: string): DynamicModule {
    const logger = new Logger('Redis');

    return {
      module: RateLimitsModule,
      providers: [
        {
          provide: AUTH_REDIS,
          useFactory: () => {
            const redis = new Redis(url, {
              lazyConnect: true,
              maxRetriesPerRequest: 1,
              connectionName: 'confer-auth-2fa',
            });
            redis.on('error', (error: Error) => logger.warn({ err: error.message }, 'Redis error'));

            return redis;
          },
        },
        RedisCloser,
      ],
      exports: [AUTH_REDIS],
    };
  }
}
