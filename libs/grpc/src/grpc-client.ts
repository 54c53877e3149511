import { Metadata } from '@grpc/grpc-js';
import { ClientGrpc } from '@nestjs/microservices';
import { GRPC_SERVICES, GrpcServiceKey } from '@confer/proto';
import { firstValueFrom, isObservable, Observable } from 'rxjs';

import { Caller, callerMetadata } from './caller';
import { fromGrpcError } from './grpc-errors';

type UnaryMethod = (request: never, metadata?: Metadata, ...rest: never[]) => unknown;

type ResultOf<R> = R extends Observable<infer T> ? T : R extends Promise<infer T> ? T : R;

/**
 * A generated client interface turned into promise-returning calls that take
 * the caller instead of raw metadata, carry a deadline, and fail with
 * ConferErrors.
 */
export type ServiceClient<T> = {
  [K in keyof T]: T[K] extends (request: infer Req, ...args: never[]) => infer Res
    ? (caller: Caller, request: Req) => Promise<ResultOf<Res>>
    : never;
};

const DEFAULT_DEADLINE_MS = 10_000;

export function serviceClient<T extends object>(
  grpc: ClientGrpc,
  service: GrpcServiceKey,
  deadlineMs = DEFAULT_DEADLINE_MS,
): ServiceClient<T> {
  const raw = grpc.getService<Record<string, UnaryMethod>>(GRPC_SERVICES[service].service);

  return new Proxy({} as ServiceClient<T>, {
    get(_target, method: string) {
      const call = raw[method];
      if (typeof call !== 'function') {
        return undefined;
      }

      return async (caller: Caller, request: unknown) => {
        const options = { deadline: new Date(Date.now() + deadlineMs) };
        try {
          const result = (call as (...args: unknown[]) => unknown).call(
            raw,
            request,
            callerMetadata(caller),
            options,
          );

          return isObservable(result) ? await firstValueFrom(result) : await result;
        } catch (error) {
          throw fromGrpcError(error, service);
        }
      };
    },
  });
}
