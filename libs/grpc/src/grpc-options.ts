import { GrpcOptions, Transport } from '@nestjs/microservices';
import { GRPC_SERVICES, GrpcServiceKey, PROTO_ROOT } from '@confer/proto';

/** How proto-loader maps messages to the objects ts-proto's interfaces describe. */
export const PROTO_LOADER_OPTIONS = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  arrays: true,
  includeDirs: [PROTO_ROOT],
};

/** Limits both sides agree on: large enough for a page of messages, small enough to bound memory. */
const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

export function grpcServerOptions(service: GrpcServiceKey, url: string): GrpcOptions {
  const { package: pkg } = GRPC_SERVICES[service];

  return {
    transport: Transport.GRPC,
    options: {
      ...sharedOptions(service, url),
      // A server serves every service of its package (auth-2fa: AuthService and
      // TwoFactorService); each client loads only the file of the service it calls.
      protoPath: Object.values(GRPC_SERVICES)
        .filter((other) => other.package === pkg)
        .map((other) => other.file),
      // On shutdown, let in-flight calls finish instead of cutting them off.
      gracefulShutdown: true,
    },
  };
}

export function grpcClientOptions(service: GrpcServiceKey, url: string): GrpcOptions {
  return {
    transport: Transport.GRPC,
    options: {
      ...sharedOptions(service, url),
      channelOptions: {
        'grpc.keepalive_time_ms': 30_000,
        'grpc.keepalive_timeout_ms': 10_000,
      },
    },
  };
}

/** What server and client must agree on: the contract, its loading, the message limits. */
function sharedOptions(service: GrpcServiceKey, url: string) {
  const { package: pkg, file } = GRPC_SERVICES[service];

  return {
    package: pkg,
    protoPath: file,
    url,
    loader: PROTO_LOADER_OPTIONS,
    maxReceiveMessageLength: MAX_MESSAGE_BYTES,
    maxSendMessageLength: MAX_MESSAGE_BYTES,
  };
}
