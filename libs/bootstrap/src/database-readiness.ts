import { DataSource } from 'typeorm';

export function databaseReadinessCheck(dataSource: DataSource) {
  return {
    name: 'postgres',
    check: async () => {
      await dataSource.query('SELECT 1');
    },
  };
}
