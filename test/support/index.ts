export * from './e2e-stack';
export * from './api-client';
export * from './live-socket';
export * from './chat';
export * from './authenticator';
export * from './mail-organisation';
