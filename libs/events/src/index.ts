export * from './nats.module';
export * from './outbox';
export * from './outbox-relay';
export * from './outbox-publisher';
export * from './outbox.module';
export * from './durable-consumer';
export * from './streams';
export * from './live';
