/**
 * The local development ports of every app: HTTP (health, metrics, and the
 * public API for the gateway) and gRPC. Apps, the launcher and the tests take
 * their defaults from here so they agree without configuration.
 */
export const SERVICE_PORTS = {
  gateway: { http: 3000, grpc: 0 },
  messaging: { http: 3101, grpc: 50051 },
  discussion: { http: 3102, grpc: 50052 },
  contacts: { http: 3103, grpc: 50053 },
  'mail-bridge': { http: 3104, grpc: 50054 },
  drive: { http: 3105, grpc: 50055 },
  'auth-2fa': { http: 3106, grpc: 50056 },
} as const;

export type AppName = keyof typeof SERVICE_PORTS;

/** The environment variable that points a client at an app's gRPC server. */
export function grpcUrlVariable(app: AppName): string {
  return `${app.replace(/-/g, '_').toUpperCase()}_GRPC_URL`;
}

export function defaultGrpcUrl(app: AppName): string {
  return `127.0.0.1:${SERVICE_PORTS[app].grpc}`;
}
