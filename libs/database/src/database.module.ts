import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource, DataSourceOptions, EntitySchema, MixedList } from 'typeorm';

import { databaseUrl, ensureDatabase } from './ensure-database';
import { runMigrations } from './migrations';

export interface DatabaseOptions {
  url: string;
  database: string;
  poolSize: number;
  migrateOnStart: boolean;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

export const MIGRATIONS_TABLE = 'schema_migrations';
export const DATABASE_OPTIONS = Symbol('DATABASE_OPTIONS');

export function dataSourceOptions(options: DatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl(options.url, options.database),
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: MIGRATIONS_TABLE,
    synchronize: false,
    migrationsRun: false,
    extra: { max: options.poolSize, application_name: options.database },
  };
}

/**
 * Connects to the app's own database, creating it when missing and applying
 * migrations unless told not to (then a Kubernetes Job runs `main.js migrate`
 * before the rollout).
 */
export async function openDataSource(
  options: DatabaseOptions,
  migrate = options.migrateOnStart,
): Promise<DataSource> {
  await ensureDatabase(options.url, options.database);
  const dataSource = new DataSource(dataSourceOptions(options));
  await dataSource.initialize();
  if (migrate) {
    await runMigrations(dataSource);
  }

  return dataSource;
}

@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) {
      await this.dataSource.destroy();
    }
  }
}

/** Provides the app's TypeORM DataSource, opened (and migrated) at boot, closed at shutdown. */
@Global()
@Module({})
export class DatabaseModule {
  static forRootAsync(options: {
    inject?: unknown[];
    useFactory: (...args: never[]) => DatabaseOptions | Promise<DatabaseOptions>;
  }): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DATABASE_OPTIONS,
          inject: (options.inject ?? []) as never[],
          useFactory: options.useFactory,
        },
        {
          provide: DataSource,
          inject: [DATABASE_OPTIONS],
          useFactory: (databaseOptions: DatabaseOptions) => openDataSource(databaseOptions),
        },
        DataSourceCloser,
      ],
      exports: [DataSource, DATABASE_OPTIONS],
    };
  }
}
