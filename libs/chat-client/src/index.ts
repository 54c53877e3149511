export * from './api-client';
export * from './live-connection';
