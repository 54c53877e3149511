export * from './run-service';
export * from './database-readiness';
export * from './service-info.grpc.controller';
export * from './service-platform.module';
