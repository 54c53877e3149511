export * from './test-servers';
export * from './mail-server';
export * from './directory-server';
