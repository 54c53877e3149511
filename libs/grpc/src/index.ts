export * from './caller';
export * from './grpc-errors';
export * from './grpc-options';
export * from './grpc-context.interceptor';
export * from './grpc-client';
export * from './grpc-client.module';
