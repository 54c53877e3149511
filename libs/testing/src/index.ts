export * from './test-servers';
export * from './mail-server';
export * from './directory-server';
export * from './free-port';
export * from './test-app';
export * from './built-app';
export * from './confer-failure';
export * from './containers';
