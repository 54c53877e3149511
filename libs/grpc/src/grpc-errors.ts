import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { ArgumentsHost, Catch, Logger, RpcExceptionFilter } from '@nestjs/common';
import { ConferError, ErrorKind } from '@confer/errors';
import { Observable, throwError } from 'rxjs';

const KIND_KEY = 'confer-error-kind';
const CODE_KEY = 'confer-error-code';
const DETAILS_KEY = 'confer-error-details-bin';

const GRPC_STATUS_BY_KIND: Record<ErrorKind, GrpcStatus> = {
  malformed: GrpcStatus.INVALID_ARGUMENT,
  invalid: GrpcStatus.INVALID_ARGUMENT,
  unauthenticated: GrpcStatus.UNAUTHENTICATED,
  forbidden: GrpcStatus.PERMISSION_DENIED,
  not_found: GrpcStatus.NOT_FOUND,
  conflict: GrpcStatus.ALREADY_EXISTS,
  gone: GrpcStatus.FAILED_PRECONDITION,
  too_large: GrpcStatus.OUT_OF_RANGE,
  unsupported_media_type: GrpcStatus.INVALID_ARGUMENT,
  rate_limited: GrpcStatus.RESOURCE_EXHAUSTED,
  unavailable: GrpcStatus.UNAVAILABLE,
  internal: GrpcStatus.INTERNAL,
};

const KINDS = new Set(Object.keys(GRPC_STATUS_BY_KIND));

/** The shape grpc-js sends back for a failed call. */
export interface GrpcServiceError {
  code: GrpcStatus;
  details: string;
  metadata: Metadata;
}

/** Encodes a ConferError as a gRPC status with its kind, code and details in trailing metadata. */
export function toGrpcError(error: ConferError): GrpcServiceError {
  const metadata = new Metadata();
  metadata.set(KIND_KEY, error.kind);
  metadata.set(CODE_KEY, error.code);
  if (error.details) {
    metadata.set(DETAILS_KEY, Buffer.from(JSON.stringify(error.details), 'utf8'));
  }

  return { code: GRPC_STATUS_BY_KIND[error.kind], details: error.message, metadata };
}

/**
 * Turns what a gRPC client call failed with back into a ConferError: the
 * service's own error when it sent one, otherwise an unavailable or internal
 * error named after the dependency.
 */
export function fromGrpcError(error: unknown, dependency: string): ConferError {
  const failure = error as Partial<GrpcServiceError>;
  const metadata = failure.metadata instanceof Metadata ? failure.metadata : undefined;
  const kind = metadata?.get(KIND_KEY)[0];
  const code = metadata?.get(CODE_KEY)[0];
  if (typeof kind === 'string' && KINDS.has(kind) && typeof code === 'string') {
    const rawDetails = metadata?.get(DETAILS_KEY)[0];
    const details = Buffer.isBuffer(rawDetails)
      ? (JSON.parse(rawDetails.toString('utf8')) as Record<string, unknown>)
      : undefined;

    return new ConferError(kind as ErrorKind, code, failure.details ?? code, details, {
      cause: error,
    });
  }
  if (
    failure.code === GrpcStatus.UNAVAILABLE ||
    failure.code === GrpcStatus.DEADLINE_EXCEEDED ||
    failure.code === GrpcStatus.CANCELLED
  ) {
    return new ConferError(
      'unavailable',
      'service.unavailable',
      `A service this request needs (${dependency}) is not answering; try again shortly.`,
      { dependency, retryAfterSeconds: 1 },
      { cause: error },
    );
  }

  return new ConferError('internal', 'internal', `The ${dependency} service failed.`, undefined, {
    cause: error,
  });
}

/**
 * The gRPC side's one error filter: ConferErrors keep their code across the
 * wire; anything else is logged with its stack and sent as INTERNAL.
 */
@Catch()
export class GrpcErrorFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger(GrpcErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): Observable<never> {
    if (exception instanceof ConferError) {
      return throwError(() => toGrpcError(exception));
    }
    const rpc = host.switchToRpc();
    this.logger.error({ err: exception, handler: rpc.getContext()?.constructor?.name }, 'unhandled error in gRPC handler');

    return throwError(() =>
      toGrpcError(new ConferError('internal', 'internal', 'Internal error.', undefined)),
    );
  }
}
