import { Metadata } from '@grpc/grpc-js';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { CORRELATION_HEADER, normaliseCorrelationId, runWithCorrelation } from '@confer/logging';
import { Counter, Histogram } from 'prom-client';
import { Observable } from 'rxjs';

const grpcDuration = new Histogram({
  name: 'confer_grpc_server_handling_seconds',
  help: 'Time to handle a gRPC call, by method and outcome.',
  labelNames: ['method', 'outcome'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
});

const grpcCalls = new Counter({
  name: 'confer_grpc_server_calls_total',
  help: 'gRPC calls handled, by method and outcome.',
  labelNames: ['method', 'outcome'],
});

/**
 * Runs every gRPC handler inside the caller's correlation context (so its log
 * lines and outgoing calls carry the id) and records its duration.
 */
@Injectable()
export class GrpcContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') {
      return next.handle();
    }
    const metadata = context.switchToRpc().getContext<Metadata>();
    const correlationId = normaliseCorrelationId(
      metadata instanceof Metadata ? metadata.get(CORRELATION_HEADER)[0] : undefined,
    );
    const method = context.getHandler().name;
    const stop = grpcDuration.startTimer({ method });

    return new Observable((subscriber) =>
      runWithCorrelation(correlationId, () =>
        next.handle().subscribe({
          next: (value) => subscriber.next(value),
          error: (error) => {
            stop({ outcome: 'error' });
            grpcCalls.inc({ method, outcome: 'error' });
            subscriber.error(error);
          },
          complete: () => {
            stop({ outcome: 'ok' });
            grpcCalls.inc({ method, outcome: 'ok' });
            subscriber.complete();
          },
        }),
      ),
    );
  }
}
