export * from './app-environment';
export * from './check-servers';
export * from './start-stack';
export * from './seed-demo';
export * from './demo-people';
export * from './gateway-client';
export { StackStartError } from './wait-ready';
export * from './port-offset';
export * from './stack-data';
