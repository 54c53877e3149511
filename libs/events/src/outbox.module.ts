import { DynamicModule, Global, Module } from '@nestjs/common';

import { OUTBOX_OPTIONS, OutboxOptions, OutboxPublisher } from './outbox-publisher';

/**
 * The app's one outbox relay, available to every feature that writes events.
 * Needs the app's DataSource (DatabaseModule) and NATS connection (NatsModule).
 */
@Global()
@Module({})
export class OutboxModule {
  static forRoot(options: OutboxOptions): DynamicModule {
    return {
      module: OutboxModule,
      providers: [{ provide: OUTBOX_OPTIONS, useValue: options }, OutboxPublisher],
      exports: [OutboxPublisher],
    };
  }
}
