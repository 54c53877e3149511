import {
  BeforeApplicationShutdown,
  Controller,
  DynamicModule,
  Get,
  Header,
  Inject,
  Injectable,
  Module,
  Provider,
  Res,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { collectDefaultMetrics, register } from 'prom-client';

import { READINESS_CHECKS, ReadinessCheck, runReadinessChecks } from './readiness';

/** Flips to "shutting down" as soon as SIGTERM arrives, so load balancers stop sending work. */
@Injectable()
export class ShutdownState implements BeforeApplicationShutdown {
  private shuttingDown = false;

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
  }
}

@ApiExcludeController()
@Controller()
class HealthController {
  constructor(
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
    private readonly shutdown: ShutdownState,
  ) {}

  @Get('health/live')
  live(): { status: 'alive' } {
    return { status: 'alive' };
  }

  @Get('health/ready')
  async ready(@Res() response: Response): Promise<void> {
    if (this.shutdown.isShuttingDown) {
      response.status(503).json({ status: 'not_ready', checks: {}, reason: 'shutting down' });

      return;
    }
    const report = await runReadinessChecks(this.checks);
    response.status(report.status === 'ready' ? 200 : 503).json(report);
  }

  @Get('metrics')
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}

let defaultMetricsStarted = false;

/**
 * /health/live, /health/ready and /metrics for an app. Readiness runs the
 * checks the app lists (its database, NATS, Redis ...) on each probe.
 */
@Module({})
export class HealthModule {
  static forRoot(options: { service: string; checks: Provider }): DynamicModule {
    if (!defaultMetricsStarted) {
      register.setDefaultLabels({ service: options.service });
      collectDefaultMetrics({ prefix: 'confer_' });
      defaultMetricsStarted = true;
    }

    return {
      module: HealthModule,
      controllers: [HealthController],
      providers: [ShutdownState, options.checks],
      exports: [ShutdownState],
    };
  }
}
