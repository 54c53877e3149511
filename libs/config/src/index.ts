export * from './load-config';
export * from './platform-config';
export * from './service-ports';
export * from './service-config';
