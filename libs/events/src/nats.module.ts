import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationShutdown,
} from '@nestjs/common';
import { connect, JetStreamClient, NatsConnection } from 'nats';

export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const JETSTREAM = Symbol('JETSTREAM');

export interface NatsOptions {
  url: string;
  /** Shown in the server's connection list: the app's name. */
  name: string;
}

export async function connectNats(options: NatsOptions): Promise<NatsConnection> {
  const logger = new Logger('Nats');
  const connection = await connect({
    servers: options.url,
    name: options.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
  });
  logger.log({ server: connection.getServer() }, 'connected to NATS');
  void (async () => {
    for await (const status of connection.status()) {
      if (status.type === 'disconnect' || status.type === 'reconnect') {
        logger.warn(
          { status: status.type, server: String(status.data) },
          'NATS connection changed',
        );
      }
    }
  })();

  return connection;
}

@Injectable()
class NatsCloser implements OnApplicationShutdown {
  constructor(@Inject(NATS_CONNECTION) private readonly connection: NatsConnection) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.connection.isClosed()) {
      // Drain flushes what was published and lets subscriptions finish.
      await this.connection.drain();
    }
  }
}

/** One NATS connection per app, with its JetStream client; drained on shutdown. */
@Global()
@Module({})
export class NatsModule {
  static forRootAsync(options: {
    inject?: unknown[];
    useFactory: (...args: never[]) => NatsOptions;
  }): DynamicModule {
    return {
      module: NatsModule,
      providers: [
        {
          provide: NATS_CONNECTION,
          inject: (options.inject ?? []) as never[],
          useFactory: (...args: never[]) => connectNats(options.useFactory(...args)),
        },
        {
          provide: JETSTREAM,
          inject: [NATS_CONNECTION],
          useFactory: (connection: NatsConnection): JetStreamClient => connection.jetstream(),
        },
        NatsCloser,
      ],
      exports: [NATS_CONNECTION, JETSTREAM],
    };
  }
}

export function natsReadinessCheck(connection: NatsConnection) {
  return {
    name: 'nats',
    check: async () => {
      if (connection.isClosed()) {
        throw new Error('connection closed');
      }
      await connection.flush();
    },
  };
}
