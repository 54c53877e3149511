export * from './confer-error';
export * from './http-error.filter';
export * from './request-errors';
